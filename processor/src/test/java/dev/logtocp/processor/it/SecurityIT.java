package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.SessionRevokeAll;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.schema.audit.AuditChain;
import dev.logtocp.schema.signing.CommandSigner;
import dev.logtocp.schema.signing.Ed25519Keys;
import dev.logtocp.schema.signing.SigningSerializer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issuer policy, signed commands and the tamper-evident audit chain, end to end. */
class SecurityIT {
    private static ProcessorStack stack;
    private static Path policyFile;
    private static KeyPair current;
    private static KeyPair previous;
    private static String allowedRole;
    private static String adminRole;

    @BeforeAll
    static void start() throws Exception {
        current = Ed25519Keys.generate();
        previous = Ed25519Keys.generate();
        Path dir = Files.createTempDirectory("policy");
        Files.writeString(dir.resolve("support-hmac.key"), "0123456789abcdef0123456789abcdef-hmac-secret");
        policyFile = dir.resolve("policy.json");
        // Roles must exist before the policy names them, so the simulator starts first.
        stack = ProcessorStack.prepareOnSimulator(Map.of());
        allowedRole = stack.logto.createRole(unique("employee"));
        adminRole = stack.logto.createRole(unique("admin"));
        writePolicy(List.of("SessionRevoke", "SessionRevokeAll", "MfaReset"));
        stack.stopProcessorIfRunning();
        stack.startProcessor(Map.of("ISSUER_POLICY_FILE", policyFile.toString(), "ISSUER_POLICY_CHECK_MS", "200"));
    }

    private static void writePolicy(List<String> supportCommands) throws Exception {
        String commands = String.join("\", \"", supportCommands);
        Path tmp = policyFile.resolveSibling("policy.json.tmp");
        Files.writeString(tmp, """
                {
                  "defaultIssuer": "deny",
                  "issuers": {
                    "it-suite": { "commands": ["*"], "roles": { "assign": ["*"], "revoke": ["*"] } },
                    "hr-system": { "commands": ["RoleAssign"], "roles": { "assign": ["%s"], "revoke": [] } },
                    "support-tool": {
                      "commands": ["%s"],
                      "requireSignature": true,
                      "keys": {
                        "support-2026-11": { "alg": "ed25519", "publicKey": "%s" },
                        "support-2026-05": { "alg": "ed25519", "publicKey": "%s" },
                        "support-hmac": { "alg": "hmac-sha256", "secretFile": "support-hmac.key" }
                      }
                    }
                  }
                }
                """.formatted(
                        allowedRole,
                        commands,
                        Ed25519Keys.toBase64(current.getPublic()),
                        Ed25519Keys.toBase64(previous.getPublic())));
        Files.move(
                tmp,
                policyFile,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static CommandMeta meta(String issuer) {
        return CommandMeta.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setIdempotencyKey(unique("k"))
                .setIssuer(issuer)
                .setIssuedAt(Instant.now())
                .build();
    }

    private static String createUser() {
        String username = unique("sec");
        CommandOutcome created = stack.awaitOutcome(stack.send(
                username,
                UserCreate.newBuilder()
                        .setMeta(ProcessorStack.meta("create-" + username))
                        .setUsername(username)
                        .build()));
        assertThat(created.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return username;
    }

    /** Sends with a producer that signs every record with {@code signer}. */
    private static String sendSigned(CommandSigner signer, String key, SpecificRecord command) {
        WireFormatSerializer wire = new WireFormatSerializer();
        wire.configure(
                Map.of("schema.registry.url", stack.registry.url(), "value.subject.name.strategy", "record"), false);
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", stack.kafka.bootstrapServers());
        try (KafkaProducer<String, Object> producer =
                new KafkaProducer<>(config, new StringSerializer(), new SigningSerializer(wire, signer))) {
            producer.send(new ProducerRecord<>(stack.topics.commands(), key, command));
            producer.flush();
        }
        return ((CommandMeta) command.get(0)).getCommandId();
    }

    private static SessionRevokeAll signOut(String username) {
        return SessionRevokeAll.newBuilder()
                .setMeta(meta("support-tool"))
                .setUser(new UserRef(UserRefKind.USERNAME, username))
                .build();
    }

    @Test
    void anIssuerWithoutTheRightIsRejectedWithoutCallingLogtoAndAudited() {
        long requests = stack.logto.state().requestCount();
        String id = sendSigned(
                CommandSigner.ed25519("support-2026-11", current.getPrivate()),
                "x",
                UserCreate.newBuilder()
                        .setMeta(meta("support-tool"))
                        .setUsername(unique("nope"))
                        .build());

        CommandOutcome outcome = stack.awaitOutcome(id);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.getErrorCode()).isEqualTo("not_authorized");
        assertThat(stack.logto.state().requestCount()).isEqualTo(requests);
        assertThat(stack.auditEvents()).anySatisfy(e -> {
            assertThat(e.getCommandId()).isEqualTo(id);
            assertThat(e.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(e.getErrorCode()).isEqualTo("not_authorized");
        });
    }

    @Test
    void unknownIssuersAreRejectedByDefault() {
        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                "y",
                UserCreate.newBuilder()
                        .setMeta(meta("somebody-else"))
                        .setUsername(unique("who"))
                        .build()));
        assertThat(outcome.getErrorCode()).isEqualTo("not_authorized");
    }

    @Test
    void rolesOutsideTheIssuersListAreRejected() {
        String username = createUser();
        CommandOutcome admin = stack.awaitOutcome(stack.send(
                username,
                RoleAssign.newBuilder()
                        .setMeta(meta("hr-system"))
                        .setUser(new UserRef(UserRefKind.USERNAME, username))
                        .setRoleIds(List.of(adminRole))
                        .build()));
        CommandOutcome employee = stack.awaitOutcome(stack.send(
                username,
                RoleAssign.newBuilder()
                        .setMeta(meta("hr-system"))
                        .setUser(new UserRef(UserRefKind.USERNAME, username))
                        .setRoleIds(List.of(allowedRole))
                        .build()));

        assertThat(admin.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(admin.getErrorCode()).isEqualTo("not_authorized");
        assertThat(employee.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().rolesOf(employee.getUserId())).containsExactly(allowedRole);
    }

    @Test
    void theCommandClientSignsWhenConfiguredAndIsRefusedWhenNot() throws Exception {
        String username = createUser();
        SessionRevokeAll signOut = SessionRevokeAll.newBuilder()
                .setMeta(dev.logtocp.client.CommandClient.metaPlaceholder())
                .setUser(new UserRef(UserRefKind.USERNAME, username))
                .build();
        dev.logtocp.client.CommandClientConfig.Builder config = dev.logtocp.client.CommandClientConfig.builder(
                        stack.kafka.bootstrapServers(), stack.registry.url(), "support-tool")
                .commandTopic(stack.topics.commands())
                .outcomeTopic(stack.topics.outcomes());
        try (dev.logtocp.client.CommandClient signed = dev.logtocp.client.CommandClient.create(
                config.signer(CommandSigner.ed25519("support-2026-11", current.getPrivate()))
                        .build())) {
            CommandOutcome outcome = signed.execute(unique("signed"), signOut);
            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        }
        // Negative control: the same client without its signer is refused by the same policy.
        try (dev.logtocp.client.CommandClient unsigned =
                dev.logtocp.client.CommandClient.create(config.signer(null).build())) {
            CommandOutcome outcome = unsigned.execute(unique("unsigned"), signOut);
            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(outcome.getErrorCode()).isEqualTo("signature_required");
        }
    }

    @Test
    void unsignedAndForgedCommandsAreRejectedWhereSignaturesAreRequired() {
        String username = createUser();
        CommandOutcome unsigned = stack.awaitOutcome(stack.send(username, signOut(username)));
        KeyPair attacker = Ed25519Keys.generate();
        CommandOutcome forged = stack.awaitOutcome(sendSigned(
                CommandSigner.ed25519("support-2026-11", attacker.getPrivate()), username, signOut(username)));

        assertThat(unsigned.getErrorCode()).isEqualTo("signature_required");
        assertThat(forged.getErrorCode()).isEqualTo("signature_invalid");
    }

    @Test
    void everyActiveKeyWorksSoKeysCanBeRotated() throws Exception {
        String username = createUser();
        byte[] hmac = "0123456789abcdef0123456789abcdef-hmac-secret".getBytes(StandardCharsets.UTF_8);

        for (CommandSigner signer : List.of(
                CommandSigner.ed25519("support-2026-11", current.getPrivate()),
                CommandSigner.ed25519("support-2026-05", previous.getPrivate()),
                CommandSigner.hmacSha256("support-hmac", hmac))) {
            CommandOutcome outcome = stack.awaitOutcome(sendSigned(signer, username, signOut(username)));
            assertThat(outcome.getStatus()).as(signer.keyId()).isEqualTo(OutcomeStatus.SUCCEEDED);
        }
    }

    @Test
    void thePolicyReloadsWithoutARestart() throws Exception {
        CommandSigner signer = CommandSigner.ed25519("support-2026-11", current.getPrivate());
        writePolicy(List.of("SessionRevoke", "SessionRevokeAll", "MfaReset", "UserCreate"));
        try {
            CommandOutcome outcome = null;
            for (int i = 0; i < 50; i++) {
                outcome = stack.awaitOutcome(sendSigned(
                        signer,
                        "z",
                        UserCreate.newBuilder()
                                .setMeta(meta("support-tool"))
                                .setUsername(unique("reloaded"))
                                .build()));
                if (outcome.getStatus() == OutcomeStatus.SUCCEEDED) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        } finally {
            writePolicy(List.of("SessionRevoke", "SessionRevokeAll", "MfaReset"));
        }
    }

    @Test
    void auditEventsFormAHashChainPerPartition() {
        createUser();
        WireFormatDeserializer values = new WireFormatDeserializer();
        values.configure(Map.of("schema.registry.url", stack.registry.url()), false);
        Map<Integer, String> previousHash = new HashMap<>();
        int checked = 0;
        for (ConsumerRecord<String, Object> r :
                stack.readToEnd(stack.topics.audit(), new StringDeserializer(), values)) {
            AuditEvent event = (AuditEvent) r.value();
            assertThat(event.getPreviousHash())
                    .as("audit %d@%d", r.partition(), r.offset())
                    .isEqualTo(previousHash.getOrDefault(r.partition(), AuditChain.GENESIS));
            previousHash.put(r.partition(), AuditChain.hash(event));
            checked++;
        }
        assertThat(checked).isPositive();
    }
}
