package dev.logtocp.processor.kafka;

import static dev.logtocp.processor.kafka.LoopFixture.P0;
import static dev.logtocp.processor.kafka.LoopFixture.await;
import static dev.logtocp.processor.kafka.LoopFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.command.HandlerResult;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.logto.LogtoTransportException;
import dev.logtocp.processor.ownership.PartitionLease;
import dev.logtocp.processor.security.IssuerPolicy;
import dev.logtocp.processor.security.PolicyStore;
import dev.logtocp.schema.audit.AuditChain;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import dev.logtocp.schema.wire.WireFormat;
import io.vertx.core.Future;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine loop end to end on Kafka's mock clients ({@link LoopFixture}): what the transactions committed, the
 * group offsets they carried, and what the handler was asked to do. Every wait is bounded.
 */
class CommandLoopTest {
    @TempDir
    Path stateDir;

    private LoopFixture fx;

    private LoopFixture start(int maxAttempts) {
        fx = new LoopFixture(stateDir, maxAttempts).start(P0);
        return fx;
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void eachCommandGetsExactlyOneCommittedOutcomeAndAuditEventAndTheOffsetMovesPastTheLast() {
        start(3);
        int n = 20;
        for (int i = 0; i < n; i++) {
            fx.send("user-" + (i % 4), "c" + i);
        }

        await("group offset " + n, () -> fx.committedOffset(P0) == n);
        fx.awaitQuiet();

        List<CommandOutcome> outcomes = fx.outcomes();
        assertThat(outcomes)
                .extracting(o -> o.getCommandId().toString())
                .containsExactlyInAnyOrderElementsOf(ids("c", n));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));
        List<AuditEvent> audit = fx.auditEvents();
        assertThat(audit).extracting(e -> e.getCommandId().toString()).containsExactlyInAnyOrderElementsOf(ids("c", n));
        assertThat(fx.committed(fx.kafka.ledgerTopic())).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(fx.handler.calls("c" + i)).as("handler calls of c" + i).isEqualTo(1);
        }
        // Published in transactions only: nothing outside one, nothing left open, and the last commit carried the
        // offset past the last record.
        assertThat(fx.producer.transactionInitialized()).isTrue();
        assertThat(fx.producer.commitCount()).isPositive();
        assertThat(fx.producer.uncommittedRecords()).isEmpty();
        assertThat(fx.producer.consumerGroupOffsetsHistory()).isNotEmpty();
        var lastCommit = fx.producer.consumerGroupOffsetsHistory().getLast();
        assertThat(lastCommit.values().iterator().next().get(P0).offset()).isEqualTo(n);
        // The audit events of the partition form one hash chain in commit order.
        String previous = AuditChain.GENESIS;
        for (ProducerRecord<byte[], byte[]> record : fx.committed(fx.kafka.auditTopic())) {
            assertThat(record.partition()).isEqualTo(P0.partition());
            AuditEvent event = LoopFixture.decode(record.value(), AuditEvent.class);
            assertThat(event.getPreviousHash()).isEqualTo(previous);
            previous = AuditChain.hashEncoded(
                    record.value(), WireFormat.HEADER_SIZE, record.value().length - WireFormat.HEADER_SIZE);
        }
    }

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsProvenanceAndTheOffsetMovesPastIt() {
        start(3);
        fx.send("user-1", "c0");
        ConsumerRecord<byte[], byte[]> poison =
                fx.consumer.append(P0, "user-1", "not a command".getBytes(StandardCharsets.UTF_8));
        fx.send("user-1", "c2");

        await("group offset 3", () -> fx.committedOffset(P0) == 3);
        fx.awaitQuiet();

        List<ProducerRecord<byte[], byte[]>> dead = fx.committed(fx.kafka.deadLetterTopic());
        assertThat(dead).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = dead.getFirst();
        assertThat(letter.value()).isEqualTo(poison.value());
        assertThat(letter.key()).isEqualTo(poison.key());
        assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(LoopFixture.TOPIC);
        assertThat(header(letter, DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(letter, DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(header(letter, DeadLetterHeaders.TIMESTAMP)).isEqualTo(Long.toString(poison.timestamp()));
        assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("SerializationException");
        assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("not a test payload");
        // No envelope could be read from it, so no outcome; the commands around it ran as usual.
        assertThat(fx.outcomes()).extracting(o -> o.getCommandId().toString()).containsExactlyInAnyOrder("c0", "c2");
        assertThat(fx.handler.totalCalls()).isEqualTo(2);
    }

    @Test
    void aRepeatedKeyIsADuplicateAndAReusedKeyWithAnotherPayloadIsRejected() {
        start(3);
        fx.send(P0, "user-1", "c0", "k", true);
        fx.send(P0, "user-1", "c1", "k", true); // the same intent again, under a new command id
        fx.send(P0, "user-1", "c2", "k", false); // another payload under the same key

        fx.awaitOutcomes(3);
        fx.awaitQuiet();

        assertThat(fx.outcomesOf("c0"))
                .singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));
        assertThat(fx.outcomesOf("c1")).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.DUPLICATE);
            assertThat(o.getDetails()).containsEntry("originalCommandId", "c0");
        });
        assertThat(fx.outcomesOf("c2")).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(o.getErrorCode()).isEqualTo("idempotency_key_reuse");
        });
        assertThat(fx.handler.totalCalls())
                .as("only the first command reaches the handler")
                .isEqualTo(1);
        assertThat(fx.committed(fx.kafka.ledgerTopic()))
                .as("only the decision is remembered")
                .hasSize(1);
    }

    @Test
    void aRecordTheRegistryCannotDecodeYetHoldsItsPartitionAndIsReadAgainAfterTheBackoff() {
        start(3);
        fx.registryDown.put("late", new java.util.concurrent.atomic.AtomicInteger(1));
        fx.send("user-0", "c0");
        fx.send("user-1", "late");
        fx.send("user-2", "c2"); // another key, but behind "late" in the partition

        await("group offset 3", () -> fx.committedOffset(P0) == 3);
        fx.awaitQuiet();

        assertThat(fx.decodes.stream().filter("late"::equals).count())
                .as("decoded again after the backoff")
                .isEqualTo(2);
        assertThat(fx.handler.started)
                .as("nothing after it in its partition ran first")
                .containsExactly("c0", "late", "c2");
        assertThat(fx.committed(fx.kafka.deadLetterTopic()))
                .as("not a poison record")
                .isEmpty();
        assertThat(fx.outcomes()).extracting(o -> o.getCommandId().toString()).containsExactly("c0", "late", "c2");
    }

    @Test
    void aCommandTheIssuerPolicyRefusesIsRejectedInItsPlaceWithoutReachingTheHandlerOrTheLedger() {
        fx = new LoopFixture(
                        stateDir,
                        3,
                        PolicyStore.fixed(IssuerPolicy.parse(
                                "{\"defaultIssuer\": \"deny\", \"issuers\": {\"svc\": {\"commands\": [\"*\"]}}}")))
                .start(P0);
        fx.send(P0, "user-1", "c0", "k0", true);
        fx.send(P0, "user-1", "c1", "k1", true, "intruder");
        fx.send(P0, "user-1", "c2", "k2", true);

        await("group offset 3", () -> fx.committedOffset(P0) == 3);
        fx.awaitQuiet();

        assertThat(fx.outcomes()).extracting(o -> o.getCommandId().toString()).containsExactly("c0", "c1", "c2");
        assertThat(fx.outcomesOf("c1")).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
            assertThat(o.getErrorCode()).isEqualTo("not_authorized");
        });
        assertThat(fx.handler.started).containsExactly("c0", "c2");
        assertThat(fx.committed(fx.kafka.ledgerTopic()))
                .as("a refusal is not remembered")
                .hasSize(2);
    }

    @Test
    void aRefusalByLogtoIsRememberedAndExhaustedRetriesAreDeadLetteredButNotRemembered() {
        start(3);
        fx.handler.script.put(
                "refused",
                c -> Future.succeededFuture(HandlerResult.failed("uid", "user_not_found", "no such user", 422)));
        fx.handler.script.put(
                "flaky",
                c -> Future.failedFuture(
                        new LogtoTransportException("user.suspend", new ConnectException("refused"), false)));
        fx.send(P0, "user-1", "refused", "k-refused", true);
        fx.send(P0, "user-2", "flaky", "k-flaky", true);

        await("group offset 2", () -> fx.committedOffset(P0) == 2);
        fx.awaitQuiet();

        assertThat(fx.outcomesOf("refused")).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(o.getErrorCode()).isEqualTo("user_not_found");
            assertThat(o.getHttpStatus()).isEqualTo(422);
        });
        assertThat(fx.outcomesOf("flaky")).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(o.getErrorCode()).isEqualTo("retries_exhausted");
            assertThat(o.getAttempts()).isEqualTo(3);
        });
        assertThat(fx.handler.calls("refused")).isEqualTo(1);
        assertThat(fx.handler.calls("flaky"))
                .as("every attempt of the retry policy")
                .isEqualTo(3);

        List<ProducerRecord<byte[], byte[]>> ledger = fx.committed(fx.kafka.ledgerTopic());
        assertThat(ledger)
                .as("the refusal is remembered, the exhausted command is not")
                .hasSize(1);
        ProducerRecord<byte[], byte[]> entry = ledger.getFirst();
        assertThat(entry.partition()).isEqualTo(P0.partition());
        assertThat(new String(entry.key(), StandardCharsets.UTF_8))
                .isEqualTo(IdempotencyLedger.key(LoopFixture.ISSUER, "k-refused"));
        LedgerEntry decided = LoopFixture.decode(entry.value(), LedgerEntry.class);
        assertThat(decided.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(decided.getHttpStatus()).isEqualTo(422);

        List<ProducerRecord<byte[], byte[]>> dead = fx.committed(fx.kafka.deadLetterTopic());
        assertThat(dead).as("only the exhausted command is dead-lettered").hasSize(1);
        assertThat(new String(dead.getFirst().value(), StandardCharsets.UTF_8)).isEqualTo("flaky");
        assertThat(header(dead.getFirst(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("RetriesExhausted");
        assertThat(header(dead.getFirst(), DeadLetterHeaders.OFFSET)).isEqualTo("1");
    }

    @ParameterizedTest(name = "commit barrier {0}")
    @ValueSource(booleans = {true, false})
    void commandsOfOneKeyRunOneAtATimeAndTheirOutcomesAreCommittedInOffsetOrder(boolean commitBarrier) {
        fx = new LoopFixture(stateDir, 3, PolicyStore.allowAll(), commitBarrier).start(P0);
        // Each later command would finish sooner than the one before it if they overlapped.
        int n = 5;
        for (int i = 0; i < n; i++) {
            long delay = 40L * (n - i);
            fx.handler.script.put("a" + i, c -> fx.handler.succeedAfter(delay));
            fx.send("user-a", "a" + i);
        }
        fx.send("user-b", "b0"); // another key is not held up by user-a

        fx.awaitOutcomes(n + 1);
        fx.awaitQuiet();

        List<String> forA = fx.outcomes().stream()
                .map(o -> o.getCommandId().toString())
                .filter(id -> id.startsWith("a"))
                .toList();
        assertThat(forA).containsExactlyElementsOf(ids("a", n));
        assertThat(fx.handler.started.stream().filter(id -> id.startsWith("a")).toList())
                .containsExactlyElementsOf(ids("a", n));
        assertThat(fx.outcomes().getFirst().getCommandId().toString())
                .as("user-b's command is not queued behind user-a's")
                .isEqualTo("b0");
        await("group offset " + (n + 1), () -> fx.committedOffset(P0) == n + 1);
    }

    @Test
    void aFailedCommitRewindsToTheCommittedOffsetAndTheRecordsAreProcessedAgainOnce() {
        start(3);
        fx.send("user-0", "c0");
        await("c0 committed", () -> fx.committedOffset(P0) == 1);
        fx.producer.failNextCommit.set(new KafkaException("injected commit failure"));
        fx.send("user-1", "c1");
        fx.send("user-2", "c2");

        await("group offset 3", () -> fx.committedOffset(P0) == 3);
        fx.awaitQuiet();

        assertThat(fx.producer.aborts.get())
                .as("the failed transaction was aborted")
                .isEqualTo(1);
        assertThat(fx.consumer.seeks)
                .as("the consumer went back to the committed offset")
                .contains(Map.entry(P0, 1L));
        assertThat(fx.handler.calls("c1"))
                .as("c1 was processed again after the rewind")
                .isEqualTo(2);
        for (String id : List.of("c0", "c1", "c2")) {
            assertThat(fx.outcomesOf(id)).as("committed outcomes of " + id).hasSize(1);
        }
        assertThat(fx.auditEvents()).hasSize(3);
        assertThat(fx.committed(fx.kafka.ledgerTopic())).hasSize(3);
        // The aborted transaction's audit events were unlinked again: the committed chain has no gap.
        String previous = AuditChain.GENESIS;
        for (ProducerRecord<byte[], byte[]> record : fx.committed(fx.kafka.auditTopic())) {
            assertThat(LoopFixture.decode(record.value(), AuditEvent.class).getPreviousHash())
                    .isEqualTo(previous);
            previous = AuditChain.hashEncoded(
                    record.value(), WireFormat.HEADER_SIZE, record.value().length - WireFormat.HEADER_SIZE);
        }
    }

    @Test
    void aFencedProducerStopsTheLoopAndNothingMoreIsPublished() throws Exception {
        start(3);
        fx.send("user-0", "c0");
        await("c0 committed", () -> fx.committedOffset(P0) == 1);
        int published = fx.producer.history().size();
        fx.producer.fenceProducer();
        fx.send("user-1", "c1");

        assertThat(fx.loop.awaitStopped(LoopFixture.WAIT))
                .as("the loop stops by itself")
                .isTrue();
        assertThat(fx.loop.failure()).isInstanceOf(ProducerFencedException.class);
        assertThat(fx.producer.history()).hasSize(published);
        assertThat(fx.outcomesOf("c1")).isEmpty();
        assertThat(fx.committedOffset(P0)).isEqualTo(1);
        assertThat(fx.loop.isAssigned()).isFalse();
    }

    @Test
    void aProducerFencedWhileARevocationPublishesStopsTheLoopWithTheFencingAsItsFailure() throws Exception {
        start(3);
        fx.handler.script.put("slow", c -> fx.handler.succeedAfter(300));
        fx.send("user-1", "slow");
        await("slow started", () -> fx.handler.calls("slow") == 1);
        fx.producer.fenceProducer();
        // The revocation waits for "slow" and publishes it: that transaction finds the producer fenced.
        fx.consumer.schedulePollTask(() -> fx.consumer.rebalance(List.of()));

        assertThat(fx.loop.awaitStopped(LoopFixture.WAIT))
                .as("the loop stops by itself")
                .isTrue();
        assertThat(fx.loop.failure()).isInstanceOf(ProducerFencedException.class);
        assertThat(fx.outcomes()).isEmpty();
    }

    @Test
    void aRevocationPublishesFinishedWorkBeforeReturningAndNothingOfThePartitionStartsAfterIt() throws Exception {
        start(3);
        fx.handler.script.put("slow", c -> fx.handler.succeedAfter(300));
        fx.send("user-1", "slow");
        fx.send("user-1", "queued"); // same key: waits for "slow" to be committed
        await("slow started", () -> fx.handler.calls("slow") == 1);

        AtomicReference<PartitionLease> lease = new AtomicReference<>();
        AtomicReference<List<String>> publishedWhenRevoked = new AtomicReference<>();
        AtomicReference<PartitionLease.State> leaseAfter = new AtomicReference<>();
        AtomicBoolean revoked = new AtomicBoolean();
        fx.consumer.schedulePollTask(() -> {
            lease.set(fx.loop.lease(P0));
            fx.consumer.rebalance(List.of());
            revoked.set(true);
            publishedWhenRevoked.set(
                    fx.outcomes().stream().map(o -> o.getCommandId().toString()).toList());
            leaseAfter.set(lease.get().state());
        });
        await("revocation returned", revoked::get);
        int callsAtRevocation = fx.handler.totalCalls();
        Thread.sleep(500);

        assertThat(lease.get()).isNotNull();
        assertThat(publishedWhenRevoked.get())
                .as("finished before the listener returned")
                .containsExactly("slow");
        assertThat(leaseAfter.get()).isEqualTo(PartitionLease.State.GONE);
        assertThat(fx.committedOffset(P0)).isEqualTo(1);
        assertThat(fx.loop.isAssigned()).isFalse();
        assertThat(fx.handler.calls("queued"))
                .as("no command of the revoked partition starts")
                .isZero();
        assertThat(fx.handler.totalCalls()).isEqualTo(callsAtRevocation);
        assertThat(fx.outcomesOf("queued")).isEmpty();
        await("the dropped command leaves the in-flight count", () -> fx.loop.inFlight() == 0);
    }

    @Test
    void aRevocationCancelsAPendingRetryAndTheNextAssignmentRunsTheCommandOnce() throws Exception {
        fx = new LoopFixture(stateDir, 1_000).start(P0);
        fx.handler.script.put(
                "retrying",
                c -> Future.failedFuture(
                        new LogtoTransportException("user.suspend", new ConnectException("refused"), false)));
        fx.send("user-1", "retrying");
        await("a few attempts", () -> fx.handler.calls("retrying") >= 3);

        AtomicBoolean revoked = new AtomicBoolean();
        fx.consumer.schedulePollTask(() -> {
            fx.consumer.rebalance(List.of());
            revoked.set(true);
        });
        await("revocation returned", revoked::get);
        int attempts = fx.handler.calls("retrying");
        Thread.sleep(300);

        assertThat(fx.handler.calls("retrying"))
                .as("no attempt after the revocation")
                .isEqualTo(attempts);
        assertThat(fx.outcomesOf("retrying"))
                .as("abandoned: its next owner decides it")
                .isEmpty();
        assertThat(fx.committedOffset(P0))
                .as("its offset is not committed past")
                .isEqualTo(-1);
        await("the abandoned command leaves the in-flight count", () -> fx.loop.inFlight() == 0);

        // Assigned again (the next owner is this instance): read again from the committed position, run once.
        fx.handler.script.remove("retrying");
        fx.consumer.schedulePollTask(() -> fx.consumer.rebalance(List.of(P0)));
        await("group offset 1", () -> fx.committedOffset(P0) == 1);
        fx.awaitQuiet();
        assertThat(fx.outcomesOf("retrying"))
                .singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));
        assertThat(fx.handler.calls("retrying")).isEqualTo(attempts + 1);
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }
}
