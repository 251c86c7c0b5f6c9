package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator console's API on a real processor: actions refused without the operator token (and with a wrong
 * one, and on an instance without one), the redrive's confirmation step and at-most-once, the live outcome stream,
 * and secrets masked in a dead letter's views.
 */
class ConsoleIT {
    private static final String TOKEN = "console-it-token-" + java.util.UUID.randomUUID();
    private static ProcessorStack stack;
    private static ConsoleClient console;
    private static FakeHistoryView view;

    @BeforeAll
    static void start() throws Exception {
        view = new FakeHistoryView();
        stack = ProcessorStack.startOnSimulator(
                Map.of("HTTP_ADMIN_TOKEN", TOKEN, "MAX_ATTEMPTS", "2", "HISTORY_VIEW_URL", view.url()));
        console = new ConsoleClient(stack);
    }

    @AfterAll
    static void stop() {
        console.close();
        stack.close();
        view.close();
    }

    @Test
    void theHistoryPanelAsksTheHistoryViewThroughTheProcessor() throws Exception {
        JsonObject page = console.getJson("/console/api/history/alice%40example.com?by=key&limit=10&junk=1");
        assertThat(page.getJsonArray("entries")).hasSize(2);
        assertThat(page.getString("ref")).isEqualTo("alice@example.com");
        URI asked = view.requests.get(view.requests.size() - 1);
        assertThat(asked.getRawPath()).isEqualTo("/users/alice%40example.com/history");
        assertThat(asked.getRawQuery()).isEqualTo("by=key&limit=10");
        assertThat(console.get("/console/api/history/nobody").statusCode()).isEqualTo(404);
    }

    private static JsonObject one(String position) {
        return new JsonObject().put("positions", new JsonArray().add(position));
    }

    @Test
    void thePageAndItsAssetsAreServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = console.get("/console/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("operator console", "console.js");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .get()
                .asString()
                .contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(console.get("/console/console.js").body()).contains("textContent");
        assertThat(console.get("/console/nothing-here.js").statusCode()).isEqualTo(404);
        JsonObject state = console.getJson("/console/api/state");
        assertThat(state.getBoolean("actionsEnabled")).isTrue();
        assertThat(state.getJsonObject("breaker").getString("state")).isEqualTo("CLOSED");
        assertThat(state.getJsonObject("concurrency").getInteger("maxInFlight")).isEqualTo(256);
        assertThat(state.encode()).doesNotContain(TOKEN);
    }

    @Test
    void actionsAreRefusedWithoutTheRightTokenAndNothingIsSent() throws Exception {
        String user = unique("refused");
        ConsoleClient.retriesExhaustedDeadLetter(stack, user, null, unique("k"));
        JsonObject letter = console.awaitDeadLetter(user);
        String position = letter.getString("position");

        HttpResponse<String> none = console.post("/console/api/redrive/plan", one(position), null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(none.body()).getString("code")).isEqualTo("token_required");
        HttpResponse<String> wrong = console.post(
                "/console/api/redrive/confirm", one(position).put("planId", "x"), "Bearer not-the-token-at-all");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(wrong.body()).getString("code")).isEqualTo("token_invalid");
        HttpResponse<String> basic =
                console.post("/console/api/redrive/confirm", one(position).put("planId", "x"), "Basic " + TOKEN);
        assertThat(basic.statusCode()).isEqualTo(401);

        // Positive control: the same request with the token is accepted.
        HttpResponse<String> plan = console.post("/console/api/redrive/plan", one(position), "Bearer " + TOKEN);
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        assertThat(new JsonObject(plan.body()).getInteger("toSend")).isEqualTo(1);

        // Nothing was redriven by the refused calls.
        assertThat(console.awaitDeadLetter(user).getString("redrivenTo")).isNull();
        assertThat(List.of(none.body(), wrong.body(), basic.body(), plan.body()))
                .noneMatch(b -> b.contains(TOKEN));
    }

    @Test
    void aRedriveNeedsTheCurrentPlanGoesBackOnceAndItsOutcomeArrivesLive() throws Exception {
        String user = unique("redrive");
        String key = unique("k");
        String commandId = ConsoleClient.retriesExhaustedDeadLetter(stack, user, null, key);
        String position = console.awaitDeadLetter(user).getString("position");
        List<String> live = console.liveOutcomes();
        String auth = "Bearer " + TOKEN;

        JsonObject plan = new JsonObject(
                console.post("/console/api/redrive/plan", one(position), auth).body());
        assertThat(plan.getInteger("count")).isEqualTo(1);
        JsonObject stale = new JsonObject(
                console.post("/console/api/redrive/confirm", one(position).put("planId", "0000"), auth)
                        .body());
        assertThat(stale.getBoolean("confirmed"))
                .as("a plan id that is not the current one sends nothing")
                .isFalse();
        assertThat(console.awaitDeadLetter(user).getString("redrivenTo")).isNull();

        JsonObject done = new JsonObject(console.post(
                        "/console/api/redrive/confirm", one(position).put("planId", plan.getString("planId")), auth)
                .body());
        assertThat(done.getBoolean("confirmed")).isTrue();
        assertThat(done.getInteger("redriven")).isEqualTo(1);
        assertThat(done.getJsonArray("results").getJsonObject(0).getString("status"))
                .isEqualTo("REDRIVEN");

        // The command runs again (a transient failure is not in the ledger) and succeeds; the live view shows it.
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)
                && live.stream().noneMatch(l -> l.contains(commandId) && l.contains("SUCCEEDED"))) {
            Thread.sleep(100);
        }
        assertThat(live)
                .anyMatch(
                        l -> l.startsWith("data:") && l.contains(commandId) && l.contains("\"status\":\"SUCCEEDED\""));
        assertThat(stack.logto.state().findUserByUsername(user)).isPresent();

        // At most once: the same plan again, and a fresh one, send nothing.
        JsonObject again = new JsonObject(
                console.post("/console/api/redrive/plan", one(position), auth).body());
        assertThat(again.getInteger("toSend")).isZero();
        JsonObject twice = new JsonObject(console.post(
                        "/console/api/redrive/confirm", one(position).put("planId", again.getString("planId")), auth)
                .body());
        assertThat(twice.getInteger("redriven")).isZero();
        assertThat(twice.getJsonArray("results").getJsonObject(0).getString("status"))
                .isEqualTo("ALREADY_REDRIVEN");
        List<CommandOutcome> outcomes = stack.outcomesOf(commandId, Duration.ofSeconds(2));
        assertThat(outcomes)
                .extracting(CommandOutcome::getStatus)
                .containsExactly(OutcomeStatus.FAILED, OutcomeStatus.SUCCEEDED);
        assertThat(console.awaitDeadLetter(user).getString("redrivenTo")).startsWith(stack.topics.commands() + "-");
    }

    @Test
    void aClassRedriveCoversEveryLetterOfTheClassNotYetRedriven() throws Exception {
        String a = unique("classa");
        String b = unique("classb");
        ConsoleClient.retriesExhaustedDeadLetter(stack, a, null, unique("k"));
        ConsoleClient.retriesExhaustedDeadLetter(stack, b, null, unique("k"));
        console.awaitDeadLetter(b);
        String auth = "Bearer " + TOKEN;
        JsonObject selection = new JsonObject().put("errorClass", "RetriesExhausted");
        JsonObject plan = new JsonObject(
                console.post("/console/api/redrive/plan", selection, auth).body());
        assertThat(plan.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("key")))
                .contains(a, b);
        JsonObject done = new JsonObject(console.post(
                        "/console/api/redrive/confirm", selection.copy().put("planId", plan.getString("planId")), auth)
                .body());
        assertThat(done.getBoolean("confirmed")).isTrue();
        assertThat(done.getInteger("redriven")).isEqualTo(plan.getInteger("toSend"));
        JsonObject after = new JsonObject(
                console.post("/console/api/redrive/plan", selection, auth).body());
        assertThat(after.getInteger("count"))
                .as("nothing of the class is left to send")
                .isZero();
    }

    @Test
    void aDeadLettersSecretIsMaskedInBothViewsAndUndecodableBytesAreWithheld() throws Exception {
        String user = unique("masked");
        String canary = "CANARY-PW-" + java.util.UUID.randomUUID();
        ConsoleClient.retriesExhaustedDeadLetter(stack, user, canary, unique("k"));
        JsonObject letter = console.awaitDeadLetter(user);
        String[] pos = letter.getString("position").split(":");
        HttpResponse<String> raw = console.get("/console/api/dead-letters/" + pos[0] + "/" + pos[1]);
        assertThat(raw.body()).contains(user).doesNotContain(canary);
        JsonObject value = new JsonObject(raw.body()).getJsonObject("value");
        assertThat(value.getJsonObject("decoded").getString("username")).isEqualTo(user);
        assertThat(value.getJsonObject("decoded").getString("password")).isEqualTo("[secret: redacted]");
        assertThat(value.getJsonArray("secretFields")).contains("password", "passwordDigest");
        assertThat(value.getJsonObject("masked").getInteger("secretBytes")).isGreaterThan(canary.length());
        assertThat(String.join(
                        "\n",
                        value.getJsonArray("hex").stream().map(String::valueOf).toList()))
                .contains("**");
        // Positive control: the dead letter itself does hold the canary.
        assertThat(stack.deadLetters().stream()
                        .anyMatch(r ->
                                new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1).contains(canary)))
                .isTrue();

        String junk = "CANARY-JSON-" + java.util.UUID.randomUUID();
        String junkKey = unique("junk");
        stack.sendRaw(junkKey, ("{\"password\":\"" + junk + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String[] jp = console.awaitDeadLetter(junkKey).getString("position").split(":");
        HttpResponse<String> junkView = console.get("/console/api/dead-letters/" + jp[0] + "/" + jp[1]);
        assertThat(junkView.body()).doesNotContain(junk);
        JsonObject junkValue = new JsonObject(junkView.body()).getJsonObject("value");
        assertThat(junkValue.getBoolean("wireFormat")).isFalse();
        assertThat(junkValue.getJsonObject("masked").getInteger("withheldBytes"))
                .isEqualTo(junkValue.getInteger("length"));
        assertThat(console.get("/console/api/dead-letters/0/999999").statusCode())
                .isEqualTo(404);
    }

    @Test
    void anInstanceWithoutAnOperatorTokenIsReadOnly() throws Exception {
        try (ProcessorStack readOnly = ProcessorStack.startOnSimulator(Map.of("MAX_ATTEMPTS", "2"));
                ConsoleClient c = new ConsoleClient(readOnly)) {
            String user = unique("ro");
            ConsoleClient.retriesExhaustedDeadLetter(readOnly, user, null, unique("k"));
            String position = c.awaitDeadLetter(user).getString("position");
            assertThat(c.getJson("/console/api/state").getBoolean("actionsEnabled"))
                    .isFalse();
            HttpResponse<String> noView = c.get("/console/api/history/" + user);
            assertThat(noView.statusCode()).isEqualTo(404);
            assertThat(new JsonObject(noView.body()).getString("code")).isEqualTo("no_history_view");
            HttpResponse<String> refused = c.post("/console/api/redrive/plan", one(position), "Bearer " + TOKEN);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("actions_disabled");
            assertThat(c.awaitDeadLetter(user).getString("redrivenTo")).isNull();
        }
    }
}
