package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import dev.logtocp.simulator.FaultRule;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Transient Logto failures: retries, Retry-After, ambiguous timeouts, the circuit breaker, and the HTTP surface. */
class ResilienceIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.startOnSimulator(Map.of(
                "MAX_ATTEMPTS", "4",
                "RETRY_BASE_DELAY_MS", "20",
                "RETRY_MAX_DELAY_MS", "100",
                "LOGTO_REQUEST_TIMEOUT_MS", "700",
                "BREAKER_FAILURE_THRESHOLD", "8",
                "BREAKER_OPEN_MS", "300",
                "BREAKER_MAX_OPEN_MS", "600"));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @AfterEach
    void clearFaults() {
        stack.logto.faults().clear();
    }

    private static UserCreate create(String username) {
        return UserCreate.newBuilder()
                .setMeta(meta("k-" + username))
                .setUsername(username)
                .build();
    }

    @Test
    void a503IsRetriedUntilLogtoRecovers() throws Exception {
        String username = unique("retry");
        // Two 503s, then Logto is back: a count, not a race between the test clearing the rule and the retries.
        stack.logto
                .faults()
                .addFor(2, FaultRule.error503(1.0).onPath("^/api/users$").onMethod("POST"));

        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getAttempts()).isEqualTo(3);
        assertThat(stack.logto.state().count("user.create")).isPositive();
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        String username = unique("slow");
        stack.logto
                .faults()
                .addFor(
                        1,
                        FaultRule.tooManyRequests(1.0, 1).onPath("^/api/users$").onMethod("POST"));

        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getAttempts()).isEqualTo(2);
        assertThat(Duration.between(outcome.getStartedAt(), outcome.getCompletedAt()))
                .as("waited at least the one second Logto asked for")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void exhaustedRetriesEndFailedAndTheCommandIsDeadLettered() {
        String username = unique("doomed");
        stack.logto.faults().add(FaultRule.error500(1.0).onPath("^/api/users$").onMethod("POST"));

        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getErrorCode()).isEqualTo("retries_exhausted");
        assertThat(outcome.getAttempts()).isEqualTo(4);
        assertThat(stack.deadLetters()).anySatisfy(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(username);
            assertThat(new String(
                            r.headers()
                                    .lastHeader(DeadLetterHeaders.ERROR_CLASS)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo("RetriesExhausted");
        });
    }

    @Test
    void anAmbiguousTimeoutIsSettledByNaturalIdempotencyWithoutASecondUser() {
        String username = unique("ambiguous");
        // The first POST is applied but never answered; the retry goes through.
        stack.logto
                .faults()
                .addFor(
                        1,
                        FaultRule.ambiguousTimeout(1.0).onPath("^/api/users$").onMethod("POST"));

        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getDetails()).containsEntry("alreadyApplied", "true");
        String userId =
                stack.logto.state().findUserByUsername(username).orElseThrow().getString("id");
        assertThat(outcome.getUserId()).isEqualTo(userId);
        assertThat(stack.logto.state().mutationsForUser(userId))
                .filteredOn(m -> m.operation().equals("user.create"))
                .hasSize(1);
    }

    @Test
    void theCircuitBreakerOpensWhileLogtoIsDownAndNothingFailsBecauseOfIt() throws Exception {
        stack.logto.faults().add(FaultRule.error503(1.0).onPath("^/api/"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String username = unique("outage");
            ids.add(stack.send(username, create(username)));
        }
        await(() -> metric(ProcessorMetrics.BREAKER_STATE) >= 1.0);
        Thread.sleep(1500);
        stack.logto.faults().clear();

        for (String id : ids) {
            assertThat(stack.awaitOutcome(id).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        }
        assertThat(metric(ProcessorMetrics.BREAKER_OPENS)).isGreaterThanOrEqualTo(1.0);
        await(() -> metric(ProcessorMetrics.BREAKER_STATE) == 0.0);
    }

    @Test
    void healthAndMetricsEndpointsAnswer() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        await(() -> get("/health/ready").statusCode() == 200);
        String username = unique("metrics");
        // One retry and one dead letter, so that their labelled counters exist.
        stack.logto
                .faults()
                .addFor(1, FaultRule.error503(1.0).onPath("^/api/users$").onMethod("POST"));
        stack.awaitOutcome(stack.send(username, create(username)));
        stack.sendRaw(username, new byte[] {1, 2, 3});
        String marker = unique("after-poison");
        stack.awaitOutcome(stack.send(username, create(marker)));

        String scrape = get("/metrics").body();
        assertThat(scrape)
                .contains(
                        ProcessorMetrics.COMMANDS + "_total{",
                        ProcessorMetrics.LOGTO_REQUESTS + "_seconds_bucket{",
                        ProcessorMetrics.RETRIES + "_total{",
                        ProcessorMetrics.DEAD_LETTERS + "_total{",
                        ProcessorMetrics.TRANSACTIONS + "_total");
        for (var field : ProcessorMetrics.class.getFields()) {
            if (field.getType() == String.class) {
                assertThat(scrape).as("scrape has %s", field.getName()).contains((String) field.get(null));
            }
        }
        assertThat(get("/commands/it-suite/k-" + username).body()).contains("\"status\":\"SUCCEEDED\"");
        assertThat(get("/commands/it-suite/never-sent").statusCode()).isEqualTo(404);
    }

    @Test
    void aTraceparentIsCopiedToTheOutcome() {
        String username = unique("traced");
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        CommandOutcome outcome =
                stack.awaitOutcome(stack.send(username, create(username), Map.of("traceparent", traceparent)));

        assertThat(outcome.getTraceparent()).isEqualTo(traceparent);
    }

    private static double metric(String name) throws Exception {
        return stack.metric(name);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return stack.httpGet(path);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(20);
        }
    }
}
