package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The idempotency ledger: (issuer, idempotencyKey) with a payload hash, durable in Kafka. */
class IdempotencyIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static UserCreate create(String username, CommandMeta meta) {
        return UserCreate.newBuilder()
                .setMeta(meta)
                .setUsername(username)
                .setName("Idem " + username)
                .build();
    }

    /** A resubmission: same issuer, key and payload, new command id and timestamp. */
    private static CommandMeta again(String key) {
        return meta(key);
    }

    @Test
    void theSameKeyAndPayloadAfterCompletionIsADuplicateWithoutCallingLogto() {
        String username = unique("idem");
        CommandOutcome first = stack.awaitOutcome(stack.send(username, create(username, meta("k-" + username))));
        assertThat(first.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        long requestsBefore = stack.logto.state().requestCount();

        CommandOutcome second = stack.awaitOutcome(stack.send(username, create(username, again("k-" + username))));

        assertThat(second.getStatus()).isEqualTo(OutcomeStatus.DUPLICATE);
        assertThat(second.getUserId()).isEqualTo(first.getUserId());
        assertThat(second.getDetails())
                .containsEntry("originalCommandId", first.getCommandId())
                .containsEntry("originalStatus", "SUCCEEDED");
        assertThat(second.getAttempts()).isZero();
        assertThat(stack.logto.state().requestCount()).isEqualTo(requestsBefore);
    }

    @Test
    void theSameKeyWithADifferentPayloadIsRejected() {
        String username = unique("reuse");
        stack.awaitOutcome(stack.send(username, create(username, meta("k-" + username))));

        CommandOutcome reuse = stack.awaitOutcome(stack.send(
                username,
                UserCreate.newBuilder(create(username, again("k-" + username)))
                        .setName("Someone else")
                        .build()));

        assertThat(reuse.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(reuse.getErrorCode()).isEqualTo("idempotency_key_reuse");
    }

    @Test
    void keysAreScopedByIssuer() {
        String username = unique("scoped");
        stack.awaitOutcome(stack.send(username, create(username, meta("shared-key-" + username))));
        CommandMeta otherIssuer = CommandMeta.newBuilder(meta("shared-key-" + username))
                .setIssuer("another-service")
                .build();

        CommandOutcome other = stack.awaitOutcome(stack.send(username, create(username + "_b", otherIssuer)));

        assertThat(other.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
    }

    @Test
    void forceReExecutesOnPurposeAndNaturalIdempotencyKeepsItSafe() {
        String username = unique("force");
        CommandOutcome first = stack.awaitOutcome(stack.send(username, create(username, meta("k-" + username))));
        long requestsBefore = stack.logto.state().requestCount();

        CommandMeta forced =
                CommandMeta.newBuilder(again("k-" + username)).setForce(true).build();
        CommandOutcome rerun = stack.awaitOutcome(stack.send(username, create(username, forced)));

        assertThat(rerun.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(rerun.getUserId()).isEqualTo(first.getUserId());
        assertThat(stack.logto.state().requestCount()).isGreaterThan(requestsBefore);
        assertThat(stack.logto.state().mutationsForUser(first.getUserId()))
                .filteredOn(m -> m.operation().equals("user.create"))
                .hasSize(1);
    }

    @Test
    void theLedgerSurvivesARestartAndAReplayFromOffsetZeroChangesNothingInLogto() throws Exception {
        String roleId = stack.logto.createRole(unique("replay-role"));
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String username = unique("replay");
            originals.add(stack.send(username, create(username, meta("create-" + username))));
            originals.add(stack.send(
                    username,
                    RoleAssign.newBuilder()
                            .setMeta(meta("role-" + username))
                            .setUser(new UserRef(UserRefKind.USERNAME, username))
                            .setRoleIds(List.of(roleId))
                            .build()));
        }
        originals.forEach(id ->
                assertThat(stack.awaitOutcome(id).getStatus()).isIn(OutcomeStatus.SUCCEEDED, OutcomeStatus.DUPLICATE));
        stack.stopProcessor();
        long mutationsBefore = stack.logto.state().mutations().size();
        long requestsBefore = stack.logto.state().requestCount();

        resetGroupToZero();
        stack.startProcessor();

        // Every command of this class is read again; the ones above must come back DUPLICATE.
        for (String id : originals) {
            List<CommandOutcome> all = awaitSecondOutcome(id);
            assertThat(all.get(1).getStatus()).isEqualTo(OutcomeStatus.DUPLICATE);
            assertThat(all.get(1).getUserId()).isEqualTo(all.get(0).getUserId());
        }
        assertThat(stack.logto.state().mutations()).hasSize((int) mutationsBefore);
        assertThat(stack.logto.state().requestCount()).isEqualTo(requestsBefore);
    }

    private static List<CommandOutcome> awaitSecondOutcome(String commandId) {
        for (int i = 0; i < 150; i++) {
            List<CommandOutcome> all = stack.outcomesOf(commandId, Duration.ofMillis(200));
            if (all.size() >= 2) {
                return all;
            }
        }
        throw new AssertionError("no replayed outcome for " + commandId);
    }

    private static void resetGroupToZero() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
        for (int p = 0; p < stack.topics.partitions(); p++) {
            zero.put(new TopicPartition(stack.topics.commands(), p), new OffsetAndMetadata(0));
        }
        // The group may take a moment to notice the stopped member left.
        for (int attempt = 0; ; attempt++) {
            try {
                stack.kafka
                        .admin()
                        .alterConsumerGroupOffsets(stack.groupId(), zero)
                        .all()
                        .get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (attempt > 20) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }
}
