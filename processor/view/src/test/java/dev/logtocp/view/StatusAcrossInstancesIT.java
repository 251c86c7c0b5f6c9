package dev.logtocp.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logtocp.client.CommandClient;
import dev.logtocp.client.SubmitOptions;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three processor instances and three view instances of one application: every view instance answers for every
 * key, including keys whose store partition another instance owns (the query is forwarded to it).
 */
class StatusAcrossInstancesIT {
    private static final int KEYS = 12;
    private static ViewStack stack;
    private static final List<CommandView> views = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = new ViewStack(6);
        for (String id : List.of("p1", "p2", "p3")) {
            stack.startProcessor(id);
        }
        for (int i = 0; i < 3; i++) {
            views.add(stack.startView(stack.newDir("view-" + i)));
        }
        stack.awaitViews(3, Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void everyInstanceAnswersForKeysOwnedByAnother() throws Exception {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        List<CompletableFuture<CommandOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            futures.add(stack.client.submit(
                    "create-" + run + "-" + i,
                    UserCreate.newBuilder()
                            .setMeta(CommandClient.metaPlaceholder())
                            .setExternalId("ext-" + run + "-" + i)
                            .setUsername("u_" + run + "_" + i)
                            .build(),
                    SubmitOptions.defaults().withCorrelationId("corr-" + i)));
        }
        List<CommandOutcome> outcomes = new ArrayList<>();
        for (CompletableFuture<CommandOutcome> f : futures) {
            outcomes.add(f.get(120, TimeUnit.SECONDS));
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));

        // answeredBy[view][key]: which instance read its store for that answer.
        Map<String, Map<Integer, String>> answeredBy = new HashMap<>();
        for (CommandView view : views) {
            for (int i = 0; i < KEYS; i++) {
                String path = "/commands/" + ViewStack.ISSUER + "/create-" + run + "-" + i;
                HttpResponse<String> r =
                        ViewStack.await(view, path, x -> x.statusCode() == 200, Duration.ofSeconds(60));
                assertThat(r.statusCode())
                        .as(view.url() + path + " -> " + r.body())
                        .isEqualTo(200);
                JsonNode status = Json.MAPPER.readTree(r.body());
                CommandOutcome o = outcomes.get(i);
                assertThat(status.get("issuer").asText()).isEqualTo(ViewStack.ISSUER);
                assertThat(status.get("idempotencyKey").asText()).isEqualTo("create-" + run + "-" + i);
                assertThat(status.get("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(status.get("outcomes").asLong()).isEqualTo(1);
                assertThat(status.get("decision").get("commandId").asText()).isEqualTo(o.getCommandId());
                assertThat(status.get("decision").get("userId").asText()).isEqualTo(o.getUserId());
                assertThat(status.get("latest").get("correlationId").asText()).isEqualTo("corr-" + i);
                assertThat(status.get("latest").get("recordKey").asText()).isEqualTo("ext-" + run + "-" + i);
                answeredBy
                        .computeIfAbsent(view.url(), k -> new HashMap<>())
                        .put(i, r.headers().firstValue(ViewHttp.ANSWERED_BY).orElseThrow());
            }
        }
        for (CommandView view : views) {
            String self = view.url().substring("http://".length());
            Map<Integer, String> answers = answeredBy.get(view.url());
            // Every key has one owner, whichever instance was asked.
            assertThat(answers).isEqualTo(answeredBy.get(views.get(0).url()));
            List<Integer> ownedElsewhere = answers.entrySet().stream()
                    .filter(e -> !e.getValue().equals(self))
                    .map(Map.Entry::getKey)
                    .toList();
            assertThat(ownedElsewhere)
                    .as("keys %s answers for through another instance", view.url())
                    .isNotEmpty();

            // Negative control: asked to read only its own stores, an instance does not know the keys owned by others.
            for (int i = 0; i < KEYS; i++) {
                HttpResponse<String> local = ViewStack.get(
                        view, "/commands/" + ViewStack.ISSUER + "/create-" + run + "-" + i + "?local=true");
                assertThat(local.statusCode())
                        .as("local-only %s key %d", view.url(), i)
                        .isEqualTo(ownedElsewhere.contains(i) ? 404 : 200);
            }
        }

        // A history is answered on every instance too.
        for (CommandView view : views) {
            HttpResponse<String> h = ViewStack.await(
                    view,
                    "/users/ext-" + run + "-3/history",
                    x -> x.statusCode() == 200 && x.body().contains("\"audit\":{"),
                    Duration.ofSeconds(60));
            assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
            assertThat(Json.MAPPER
                            .readTree(h.body())
                            .get("entries")
                            .get(0)
                            .get("commandId")
                            .asText())
                    .isEqualTo(outcomes.get(3).getCommandId());
        }
        assertThat(ViewStack.get(views.get(1), "/commands/" + ViewStack.ISSUER + "/never-sent-" + run)
                        .statusCode())
                .isEqualTo(404);
    }
}
