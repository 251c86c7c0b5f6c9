package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.client.CommandClient;
import dev.logtocp.client.CommandClientConfig;
import dev.logtocp.client.CommandTimeoutException;
import dev.logtocp.client.SubmitOptions;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.schema.headers.OutcomeHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CommandClient} against a real broker, registry, simulator and processor. */
class CommandClientIT {
    private static final String ISSUER = "client-it";
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.startOnSimulator(Map.of());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static CommandClient client(Duration timeout) {
        return CommandClient.create(
                CommandClientConfig.builder(stack.kafka.bootstrapServers(), stack.registry.url(), ISSUER)
                        .commandTopic(stack.topics.commands())
                        .outcomeTopic(stack.topics.outcomes())
                        .defaultTimeout(timeout)
                        .build());
    }

    private static UserCreate create(String externalId, String username) {
        return UserCreate.newBuilder()
                .setMeta(CommandClient.metaPlaceholder())
                .setExternalId(externalId)
                .setUsername(username)
                .build();
    }

    @Test
    void aSubmissionCompletesWithTheProcessorsCommittedOutcome() throws Exception {
        String username = unique("client");
        try (CommandClient client = client(Duration.ofSeconds(30))) {
            CommandOutcome outcome = client.submit(
                            "create-" + username,
                            create("ext-" + username, username),
                            SubmitOptions.defaults().withCorrelationId("req-" + username))
                    .get(40, TimeUnit.SECONDS);

            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(outcome.getIssuer()).isEqualTo(ISSUER);
            assertThat(outcome.getIdempotencyKey()).isEqualTo("create-" + username);
            assertThat(outcome.getCorrelationId()).isEqualTo("req-" + username);
            assertThat(stack.logto.state().findUserByUsername(username))
                    .get()
                    .satisfies(u -> assertThat(u.getString("id")).isEqualTo(outcome.getUserId()));
            // The processor's own record of it is the same outcome: the client invented nothing.
            assertThat(stack.awaitOutcome(outcome.getCommandId())).isEqualTo(outcome);
            // Keyed by the externalId, so later commands by EXTERNAL_ID share its partition; one partition read.
            int partition = Utils.toPositive(Utils.murmur2(("ext-" + username).getBytes(StandardCharsets.UTF_8)))
                    % stack.topics.partitions();
            assertThat(client.readingPartitions()).containsExactly(partition);
            assertThat(client.pending()).isZero();
        }
    }

    @Test
    void outcomeRecordsCarryTheCommandIdAndCorrelationIdAsHeaders() throws Exception {
        String username = unique("headers");
        CommandOutcome withCorrelation;
        CommandOutcome without;
        try (CommandClient client = client(Duration.ofSeconds(30))) {
            withCorrelation = client.execute(
                    "h1-" + username,
                    create("ext-" + username, username),
                    SubmitOptions.defaults().withCorrelationId("corr-" + username));
            without = client.execute(
                    "h2-" + username,
                    new RoleAssign(
                            CommandClient.metaPlaceholder(),
                            new UserRef(UserRefKind.EXTERNAL_ID, "ext-" + username),
                            List.of("no-such-role")));
        }
        List<ConsumerRecord<String, byte[]>> records =
                stack.readToEnd(stack.topics.outcomes(), new StringDeserializer(), new ByteArrayDeserializer());
        ConsumerRecord<String, byte[]> first = only(records, withCorrelation.getCommandId());
        assertThat(OutcomeHeaders.correlationId(first.headers())).isEqualTo("corr-" + username);
        assertThat(first.key()).isEqualTo("ext-" + username);
        ConsumerRecord<String, byte[]> second = only(records, without.getCommandId());
        assertThat(OutcomeHeaders.correlationId(second.headers())).isNull();
        assertThat(second.key()).isEqualTo("ext-" + username);
        assertThat(second.partition()).isEqualTo(first.partition());
    }

    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String commandId) {
        List<ConsumerRecord<String, byte[]>> found = records.stream()
                .filter(r -> commandId.equals(OutcomeHeaders.commandId(r.headers())))
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @Test
    void resubmittingADecidedKeyReturnsTheRecordedDecisionWithoutCallingLogtoAgain() throws Exception {
        String username = unique("resub");
        try (CommandClient client = client(Duration.ofSeconds(30))) {
            CommandOutcome first = client.execute("create-" + username, create("ext-" + username, username));
            assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(CommandClient.isResubmission(first)).isFalse();
            long requests = stack.logto.state().requestCount();

            CommandOutcome again = client.execute("create-" + username, create("ext-" + username, username));

            assertThat(again.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(CommandClient.isResubmission(again)).isTrue();
            assertThat(again.getCommandId()).isNotEqualTo(first.getCommandId());
            assertThat(again.getUserId()).isEqualTo(first.getUserId());
            assertThat(again.getDetails()).containsEntry("originalCommandId", first.getCommandId());
            assertThat(stack.logto.state().requestCount()).isEqualTo(requests);
            // Negative control: on the topic the processor said DUPLICATE; the client surfaced the original decision.
            assertThat(stack.awaitOutcome(again.getCommandId()).getStatus()).isEqualTo(OutcomeStatus.DUPLICATE);

            // A FAILED decision comes back as FAILED, not as an exception, first time and on resubmission alike.
            String taken = unique("taken");
            assertThat(client.execute("c1-" + taken, create("e1-" + taken, taken))
                            .getStatus())
                    .isEqualTo(OutcomeStatus.SUCCEEDED);
            CommandOutcome refused = client.execute("c2-" + taken, create("e2-" + taken, taken));
            assertThat(refused.getStatus()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(refused.getErrorCode()).isEqualTo("user.username_already_in_use");
            CommandOutcome refusedAgain = client.execute("c2-" + taken, create("e2-" + taken, taken));
            assertThat(refusedAgain.getStatus()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(refusedAgain.getErrorCode()).isEqualTo("user.username_already_in_use");
            assertThat(CommandClient.isResubmission(refusedAgain)).isTrue();
        }
    }

    @Test
    void manyConcurrentSubmissionsShareOneReader() throws Exception {
        try (CommandClient client = client(Duration.ofSeconds(60))) {
            List<CompletableFuture<CommandOutcome>> futures = new ArrayList<>();
            List<String> usernames = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String username = unique("many" + i);
                usernames.add(username);
                futures.add(client.submit("create-" + username, create("ext-" + username, username)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            for (int i = 0; i < futures.size(); i++) {
                CommandOutcome o = futures.get(i).join();
                assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
                assertThat(o.getIdempotencyKey()).isEqualTo("create-" + usernames.get(i));
            }
            long readers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("command-client-outcomes-"))
                    .count();
            assertThat(readers).as("one reader thread per open client").isEqualTo(1);
            assertThat(client.readingPartitions()).hasSizeLessThanOrEqualTo(stack.topics.partitions());
        }
    }

    /** Stops the processor for a while (and starts it again), so the outcome cannot come in time. */
    @Test
    void withoutAnOutcomeInTimeTheFutureFailsAndAResubmissionLaterGetsTheDecision() throws Exception {
        String username = unique("late");
        try (CommandClient client = client(Duration.ofSeconds(30))) {
            stack.stopProcessor();
            CommandTimeoutException timeout;
            try {
                CompletableFuture<CommandOutcome> future = client.submit(
                        "create-" + username,
                        create("ext-" + username, username),
                        SubmitOptions.defaults().withTimeout(Duration.ofMillis(1500)));
                assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(CommandTimeoutException.class);
                timeout = (CommandTimeoutException) future.handle((o, e) -> e).get();
                assertThat(timeout.idempotencyKey()).isEqualTo("create-" + username);
                assertThat(client.pending()).isZero();
                // The blocking form times out the same way.
                assertThatThrownBy(() -> client.execute(
                                "other-" + username,
                                create("ext2-" + username, username + "_b"),
                                SubmitOptions.defaults().withTimeout(Duration.ofMillis(500))))
                        .isInstanceOf(CommandTimeoutException.class);
            } finally {
                stack.startProcessor();
            }
            // The command was not lost: it ran once the processor was back; the resubmission learns the decision.
            CommandOutcome again = client.execute(
                    "create-" + username,
                    create("ext-" + username, username),
                    SubmitOptions.defaults().withTimeout(Duration.ofSeconds(60)));
            assertThat(again.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            assertThat(CommandClient.isResubmission(again)).isTrue();
            assertThat(again.getDetails()).containsEntry("originalCommandId", timeout.commandId());
            assertThat(stack.logto.state().findUserByUsername(username)).isPresent();
        }
    }
}
