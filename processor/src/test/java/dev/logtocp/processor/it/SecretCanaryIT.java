package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.Fixtures.byId;
import static dev.logtocp.processor.it.Fixtures.createUser;
import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.logtocp.commands.IdentityLink;
import dev.logtocp.commands.IdentityReplace;
import dev.logtocp.commands.MfaFactor;
import dev.logtocp.commands.MfaVerificationCreate;
import dev.logtocp.commands.PasswordAlgorithm;
import dev.logtocp.commands.PasswordChange;
import dev.logtocp.commands.PasswordSet;
import dev.logtocp.commands.PersonalAccessTokenCreate;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.FaultRule;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Plants distinctive canary strings in every secret a command can carry, runs the commands along success, Logto
 * failure and validation-failure paths, and then searches every output the processor produces (outcome, audit and
 * dead-letter records: keys, values and headers, byte for byte; and every log event) for them. The command topic
 * must contain them, which proves the search finds what is there.
 *
 * <p>The operator console is an output too: every page and API answer it gives (the page and its assets, engine
 * state, command lookups, history, the dead-letter list, each dead letter's hex and decoded views, redrive plans and
 * results, refusals, and the live outcome stream) is searched for the canaries, for dead letters that do carry
 * secrets (retries exhausted on secret-bearing commands, and undecodable records holding secrets), and for the
 * operator token.
 */
class SecretCanaryIT {
    /** Shape of the simulator's personal access token values: the value Logto returns is a secret too. */
    private static final Pattern PAT_VALUE = Pattern.compile("pat_[0-9a-f]{32}");

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String ADMIN_TOKEN = "CANARY-TOKEN-" + UUID.randomUUID();
    private static ProcessorStack stack;
    private static ConsoleClient console;
    private static ListAppender<ILoggingEvent> logs;
    private static final Map<String, Level> savedLevels = new HashMap<>();

    @BeforeAll
    static void start() {
        logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        // Everything our code and the HTTP stack say, down to TRACE, while the canaries run.
        for (String name : List.of("dev.logtocp", "io.vertx")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            savedLevels.put(name, logger.getLevel());
            logger.setLevel(Level.TRACE);
        }
        stack = ProcessorStack.start(Map.of("HTTP_ADMIN_TOKEN", ADMIN_TOKEN, "MAX_ATTEMPTS", "2"));
        console = new ConsoleClient(stack);
    }

    @AfterAll
    static void stop() {
        console.close();
        stack.close();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(logs);
        savedLevels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private static String canary(String kind) {
        return "CANARY-" + kind + "-" + UUID.randomUUID();
    }

    /** Base32-only canaries for TOTP secrets (32 characters, as Logto requires), which have a strict format. */
    private static String base32Canary() {
        StringBuilder sb = new StringBuilder("CANARYMFA");
        for (int i = 0; i < 23; i++) {
            sb.append(BASE32.charAt(RANDOM.nextInt(BASE32.length())));
        }
        return sb.toString();
    }

    /** Ten random hex digits, the only backup code Logto accepts (a chance match in the outputs is about 1e-12). */
    private static String codeCanary() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    @Test
    void noSecretOfAnyCommandReachesOutcomesAuditDeadLettersTheConsoleOrLogs() throws Exception {
        List<String> canaries = new ArrayList<>();
        List<String> commandIds = new ArrayList<>();
        List<String> idempotencyKeys = new ArrayList<>();
        // Every outcome of the test passes through the console's live view.
        List<String> live = console.liveOutcomes();
        String username = unique("canary");
        String userId = createUser(stack, username);
        String other = unique("canaryother");
        String otherId = createUser(stack, other);

        // UserCreate.password: success, then Logto refusal (username taken), then validation failure.
        String createPw = canary("PW");
        String taken = unique("canarynew");
        canaries.add(createPw);
        commandIds.add(stack.send(
                taken,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("c")))
                        .setUsername(taken)
                        .setPassword(createPw)
                        .build()));
        commandIds.add(stack.send(
                taken,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("c")))
                        .setUsername(taken)
                        .setPassword(createPw)
                        .build()));
        String badCreatePw = canary("PW");
        canaries.add(badCreatePw);
        commandIds.add(stack.send(
                "bad",
                UserCreate.newBuilder()
                        .setMeta(meta(unique("c")))
                        .setUsername("9bad")
                        .setPassword(badCreatePw)
                        .build()));

        // UserCreate.passwordDigest: success, and rejected together with a password.
        String digest = canary("DIGEST");
        canaries.add(digest);
        String digestUser = unique("canarydig");
        commandIds.add(stack.send(
                digestUser,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("c")))
                        .setUsername(digestUser)
                        .setPasswordDigest(digest)
                        .setPasswordAlgorithm(PasswordAlgorithm.SHA256)
                        .build()));
        String badDigest = canary("DIGEST");
        canaries.add(badDigest);
        commandIds.add(stack.send(
                "bad",
                UserCreate.newBuilder()
                        .setMeta(meta(unique("c")))
                        .setUsername(unique("d"))
                        .setPassword(canary("PW"))
                        .setPasswordDigest(badDigest)
                        .build()));

        // PasswordSet: success, missing user, too long.
        String setPw = canary("PW");
        canaries.add(setPw);
        commandIds.add(stack.send(
                username,
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("p")))
                        .setUser(byId(userId))
                        .setPassword(setPw)
                        .build()));
        commandIds.add(stack.send(
                "ghost",
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("p")))
                        .setUser(byId("nosuchuser12"))
                        .setPassword(setPw)
                        .build()));
        // PasswordChange (composite): wrong current password, then right current password, then a too long one.
        String changeNew = canary("PW");
        String wrongCurrent = canary("PW");
        canaries.add(changeNew);
        canaries.add(wrongCurrent);
        commandIds.add(stack.send(
                username,
                PasswordChange.newBuilder()
                        .setMeta(meta(unique("pc")))
                        .setUser(byId(userId))
                        .setCurrentPassword(wrongCurrent)
                        .setNewPassword(changeNew)
                        .build()));
        commandIds.add(stack.send(
                username,
                PasswordChange.newBuilder()
                        .setMeta(meta(unique("pc")))
                        .setUser(byId(userId))
                        .setCurrentPassword(setPw)
                        .setNewPassword(changeNew)
                        .build()));
        commandIds.add(stack.send(
                username,
                PasswordChange.newBuilder()
                        .setMeta(meta(unique("pc")))
                        .setUser(byId(userId))
                        .setCurrentPassword(changeNew)
                        .setNewPassword(changeNew + "y".repeat(300))
                        .build()));
        String longPw = canary("PW") + "x".repeat(300);
        canaries.add(longPw.substring(0, 48));
        commandIds.add(stack.send(
                username,
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("p")))
                        .setUser(byId(userId))
                        .setPassword(longPw)
                        .build()));

        // IdentityLink.connectorData: success, taken by another user, missing user, validation failure.
        String idpCode = canary("IDP");
        canaries.add(idpCode);
        commandIds.add(stack.send(
                username,
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("i")))
                        .setUser(byId(userId))
                        .setConnectorId(RealLogto.MOCK_SOCIAL)
                        .setConnectorDataJson("{\"userId\":\"gh-" + username + "\",\"code\":\"" + idpCode + "\"}")
                        .build()));
        String idpTaken = canary("IDP");
        canaries.add(idpTaken);
        commandIds.add(stack.send(
                other,
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("i")))
                        .setUser(byId(otherId))
                        .setConnectorId(RealLogto.MOCK_SOCIAL)
                        .setConnectorDataJson("{\"userId\":\"gh-" + username
                                + "\",\"code\":\"taken\",\"accessToken\":\"" + idpTaken + "\"}")
                        .build()));
        commandIds.add(stack.send(
                "ghost",
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("i")))
                        .setUser(byId("nosuchuser12"))
                        .setConnectorId(RealLogto.MOCK_SOCIAL)
                        .setConnectorDataJson("{\"code\":\"" + idpCode + "\"}")
                        .build()));
        String idpBad = canary("IDP");
        canaries.add(idpBad);
        commandIds.add(stack.send(
                "bad",
                IdentityLink.newBuilder()
                        .setMeta(meta(unique("i")))
                        .setUser(byId(userId))
                        .setConnectorId(RealLogto.MOCK_SOCIAL)
                        .setConnectorDataJson("{\"code\":\"" + idpBad + "\"")
                        .build()));

        // IdentityReplace.details: success and refusal (social account held by another user).
        String idpDetails = canary("IDP");
        canaries.add(idpDetails);
        commandIds.add(stack.send(
                username,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("r")))
                        .setUser(byId(userId))
                        .setTarget("google")
                        .setSocialUserId("g-" + username)
                        .setDetailsJson("{\"refreshToken\":\"" + idpDetails + "\"}")
                        .build()));
        commandIds.add(stack.send(
                other,
                IdentityReplace.newBuilder()
                        .setMeta(meta(unique("r")))
                        .setUser(byId(otherId))
                        .setTarget("google")
                        .setSocialUserId("g-" + username)
                        .setDetailsJson("{\"refreshToken\":\"" + idpDetails + "\"}")
                        .build()));

        // MFA: TOTP success, a second TOTP refused by Logto, backup codes, and an invalid combination.
        String totp = base32Canary();
        canaries.add(totp);
        commandIds.add(stack.send(
                username,
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("m")))
                        .setUser(byId(userId))
                        .setType(MfaFactor.TOTP)
                        .setTotpSecret(totp)
                        .build()));
        String totpRefused = base32Canary();
        canaries.add(totpRefused);
        commandIds.add(stack.send(
                username,
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("m")))
                        .setUser(byId(userId))
                        .setType(MfaFactor.TOTP)
                        .setTotpSecret(totpRefused)
                        .build()));
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            codes.add(codeCanary());
        }
        canaries.addAll(codes);
        commandIds.add(stack.send(
                username,
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("m")))
                        .setUser(byId(userId))
                        .setType(MfaFactor.BACKUP_CODE)
                        .setBackupCodes(codes)
                        .build()));
        String totpBad = base32Canary();
        canaries.add(totpBad);
        commandIds.add(stack.send(
                "bad",
                MfaVerificationCreate.newBuilder()
                        .setMeta(meta(unique("m")))
                        .setUser(byId(userId))
                        .setType(MfaFactor.BACKUP_CODE)
                        .setTotpSecret(totpBad)
                        .build()));

        // PAT create: the value Logto answers with is the secret; success and a replay that meets the name.
        String key = unique("t");
        commandIds.add(stack.send(
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(userId))
                        .setName("ci")
                        .build()));
        commandIds.add(stack.send(
                username,
                PersonalAccessTokenCreate.newBuilder()
                        .setMeta(meta(key))
                        .setUser(byId(userId))
                        .setName("ci")
                        .build()));

        Map<OutcomeStatus, Integer> statuses = new HashMap<>();
        for (String id : commandIds) {
            CommandOutcome outcome = stack.awaitOutcome(id);
            statuses.merge(outcome.getStatus(), 1, Integer::sum);
            idempotencyKeys.add(outcome.getIssuer() + "/" + outcome.getIdempotencyKey());
        }
        // Every path was taken: applied, refused by Logto, refused by validation.
        assertThat(statuses.keySet()).contains(OutcomeStatus.SUCCEEDED, OutcomeStatus.FAILED, OutcomeStatus.REJECTED);
        assertThat(stack.logto.state().personalAccessTokensOf(userId)).containsKey("ci");

        String commandBytes = dump(stack.topics.commands());
        assertThat(canaries)
                .allSatisfy(c -> assertThat(commandBytes)
                        .as("positive control: the command topic holds the canary")
                        .contains(c));

        String outputs = dump(stack.topics.outcomes()) + dump(stack.topics.audit()) + dump(stack.topics.deadLetters());
        assertThat(outputs).as("the outputs were read").contains(userId);
        String logText = logText();
        assertThat(logText).as("the log capture works").contains("processor started");
        for (String c : canaries) {
            assertThat(outputs).as("outcome, audit and dead-letter bytes").doesNotContain(c);
            assertThat(logText).as("log output").doesNotContain(c);
        }
        assertThat(PAT_VALUE.matcher(outputs).find())
                .as("a PAT value in the outputs")
                .isFalse();
        assertThat(PAT_VALUE.matcher(logText).find())
                .as("a PAT value in the logs")
                .isFalse();

        // The console: dead letters that do hold secrets, then every answer it gives.
        List<String> deadLetterCanaries = plantSecretBearingDeadLetters(userId);
        String consoleText = consoleAnswers(idempotencyKeys, List.of(username, userId, other));
        assertThat(live).as("the live view saw the outcomes").anyMatch(l -> l.contains(userId));
        assertThat(consoleText)
                .as("positive control: the console answers were read")
                .contains(
                        userId,
                        "dlqcreate",
                        "[secret: redacted]",
                        "RetriesExhausted",
                        "NOT_WIRE_FORMAT",
                        "token_required");
        String deadLetterBytes = dump(stack.topics.deadLetters());
        assertThat(deadLetterCanaries)
                .allSatisfy(c -> assertThat(deadLetterBytes)
                        .as("positive control: the dead letters hold the canary")
                        .contains(c));
        String liveText = String.join("\n", live);
        List<String> all = new ArrayList<>(canaries);
        all.addAll(deadLetterCanaries);
        all.add(ADMIN_TOKEN);
        for (String c : all) {
            assertThat(consoleText).as("console pages and API answers").doesNotContain(c);
            assertThat(liveText).as("the live outcome stream").doesNotContain(c);
        }
        assertThat(PAT_VALUE.matcher(consoleText + liveText).find())
                .as("a PAT value in the console")
                .isFalse();
        String laterLogs = logText();
        for (String c : all) {
            assertThat(laterLogs).as("log output, console included").doesNotContain(c);
        }
    }

    /**
     * Dead letters carrying secrets in each form the console must mask: retries exhausted on PasswordSet and
     * UserCreate (decodable, secret fields), a record that is not the wire format, one with an unknown schema id,
     * and a truncated datum. Returns the canaries (for the truncated one, the part that is in the topic).
     */
    private static List<String> plantSecretBearingDeadLetters(String userId) {
        List<String> out = new ArrayList<>();
        String setPw = canary("DLQPW");
        out.add(setPw);
        stack.logto
                .faults()
                .add(FaultRule.error503(1.0)
                        .onPath("^/api/users/[^/]+/password$")
                        .onMethod("PATCH"));
        String createPw = canary("DLQPW");
        out.add(createPw);
        try {
            String set = stack.send(
                    "dlq-set",
                    PasswordSet.newBuilder()
                            .setMeta(meta(unique("dp")))
                            .setUser(byId(userId))
                            .setPassword(setPw)
                            .build());
            assertThat(stack.awaitOutcome(set).getErrorCode()).isEqualTo("retries_exhausted");
        } finally {
            stack.logto.faults().clear();
        }
        ConsoleClient.retriesExhaustedDeadLetter(stack, unique("dlqcreate"), createPw, unique("dc"));

        String json = canary("DLQJSON");
        out.add(json);
        stack.sendRaw("dlq-json", ("{\"password\":\"" + json + "\"}").getBytes(StandardCharsets.UTF_8));

        String unknown = canary("DLQUNKNOWN");
        out.add(unknown);
        byte[] valid = stack.serialize(
                stack.topics.commands(),
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("du")))
                        .setUser(byId(userId))
                        .setPassword(unknown)
                        .build());
        byte[] unknownId = valid.clone();
        java.nio.ByteBuffer.wrap(unknownId).putInt(1, 987_654);
        stack.sendRaw("dlq-unknown", unknownId);

        String truncated = canary("DLQTRUNC");
        byte[] whole = stack.serialize(
                stack.topics.commands(),
                PasswordSet.newBuilder()
                        .setMeta(meta(unique("dt")))
                        .setUser(byId(userId))
                        .setPassword(truncated)
                        .build());
        // Cut inside the password: the part that remains must not be shown either.
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 8);
        out.add(truncated.substring(0, truncated.length() - 8));
        stack.sendRaw("dlq-trunc", cut);

        for (String key : List.of("dlq-json", "dlq-unknown", "dlq-trunc")) {
            try {
                console.awaitDeadLetter(key);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** Every page and API answer of the console, as one text. */
    private static String consoleAnswers(List<String> idempotencyKeys, List<String> userRefs) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String path : List.of("/console/", "/console/console.js", "/console/console.css", "/console/api/state")) {
            sb.append(console.get(path).body()).append('\n');
        }
        for (String key : idempotencyKeys) {
            String[] parts = key.split("/", 2);
            sb.append(console.get("/commands/" + encode(parts[0]) + "/" + encode(parts[1]))
                            .body())
                    .append('\n');
        }
        for (String ref : userRefs) {
            sb.append(console.get("/console/api/history/" + encode(ref)).body()).append('\n');
        }
        io.vertx.core.json.JsonObject list = console.getJson("/console/api/dead-letters?limit=500");
        sb.append(list.encode()).append('\n');
        for (String errorClass : list.getJsonObject("byClass").fieldNames()) {
            sb.append(console.get("/console/api/dead-letters?errorClass=" + encode(errorClass))
                            .body())
                    .append('\n');
        }
        for (Object o : list.getJsonArray("items")) {
            String[] pos =
                    ((io.vertx.core.json.JsonObject) o).getString("position").split(":");
            sb.append(console.get("/console/api/dead-letters/" + pos[0] + "/" + pos[1])
                            .body())
                    .append('\n');
        }
        // Actions: refused without the token, then a class redrive planned and confirmed with it.
        io.vertx.core.json.JsonObject selection =
                new io.vertx.core.json.JsonObject().put("errorClass", "RetriesExhausted");
        sb.append(console.post("/console/api/redrive/plan", selection, null).body())
                .append('\n');
        sb.append(console.post("/console/api/redrive/plan", selection, "Bearer wrong-token-wrong-token")
                        .body())
                .append('\n');
        String plan = console.post("/console/api/redrive/plan", selection, "Bearer " + ADMIN_TOKEN)
                .body();
        sb.append(plan).append('\n');
        String planId = new io.vertx.core.json.JsonObject(plan).getString("planId");
        sb.append(console.post(
                                "/console/api/redrive/confirm",
                                selection.copy().put("planId", planId),
                                "Bearer " + ADMIN_TOKEN)
                        .body())
                .append('\n');
        return sb.toString();
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Every committed record of a topic, keys, values and headers, as one text (bytes mapped one to one). */
    private static String dump(String topic) {
        StringBuilder sb = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r :
                stack.readToEnd(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            append(sb, r.key());
            append(sb, r.value());
            for (Header h : r.headers()) {
                sb.append(h.key()).append('\n');
                append(sb, h.value());
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, byte[] bytes) {
        if (bytes != null) {
            sb.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('\n');
        }
    }

    private static String logText() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            sb.append(e.getLoggerName())
                    .append(' ')
                    .append(e.getFormattedMessage())
                    .append('\n');
            e.getMDCPropertyMap()
                    .forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            if (e.getArgumentArray() != null) {
                for (Object arg : e.getArgumentArray()) {
                    sb.append(arg).append('\n');
                }
            }
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                sb.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                    sb.append(frame.getSTEAsString()).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
