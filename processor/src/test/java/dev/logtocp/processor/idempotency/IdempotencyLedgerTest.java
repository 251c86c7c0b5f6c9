package dev.logtocp.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.OutcomeStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyLedgerTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(7);

    // Avro's single-object encoding stands in for the registry wire format: real encoding, no registry needed.
    private static final Serializer<Object> ENCODE = (topic, value) -> {
        try {
            ByteBuffer buffer = ((LedgerEntry) value).toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };
    private static final Deserializer<Object> DECODE = (topic, bytes) -> {
        try {
            return LedgerEntry.fromByteBuffer(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    @TempDir
    Path stateDir;

    private IdempotencyLedger ledger;

    @BeforeEach
    void open() {
        ledger = new IdempotencyLedger(
                RETENTION,
                Clock.fixed(NOW, ZoneOffset.UTC),
                new LedgerCodec("commands.ledger", DECODE),
                LedgerStore.open(stateDir, RETENTION));
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private static LedgerEntry entry(String key, Instant decidedAt) {
        return LedgerEntry.newBuilder()
                .setIssuer("svc")
                .setIdempotencyKey(key)
                .setPayloadHash(ByteBuffer.wrap(new byte[32]))
                .setCommandType("UserCreate")
                .setCommandId("cmd-" + key)
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setUserId("u1")
                .setHttpStatus(200)
                .setDecidedAt(decidedAt)
                .build();
    }

    @Test
    void aCommittedEntryIsFoundAgainWithAllItsFields() {
        LedgerEntry decided = entry("k1", NOW.minusSeconds(5));
        ledger.committed(3, decided, ENCODE.serialize("t", decided));

        assertThat(ledger.lookup(3, "svc", "k1")).contains(decided);
        assertThat(ledger.lookup(3, "svc", "k2")).isEmpty();
        assertThat(ledger.lookup(4, "svc", "k1")).as("other partition").isEmpty();
        assertThat(ledger.lookup(3, "other", "k1")).as("other issuer").isEmpty();
        assertThat(ledger.find("svc", "k1")).contains(decided);
    }

    @Test
    void aPendingEntryCountsOnlyWhileItsOwnerIsActive() {
        AtomicBoolean active = new AtomicBoolean(true);
        LedgerEntry decided = entry("k1", NOW);
        ledger.recordPending(0, decided, active::get);
        assertThat(ledger.lookup(0, "svc", "k1")).contains(decided);

        active.set(false);
        assertThat(ledger.lookup(0, "svc", "k1")).isEmpty();
    }

    @Test
    void committingReplacesThePendingEntry() {
        LedgerEntry decided = entry("k1", NOW);
        ledger.recordPending(0, decided, () -> false);
        ledger.committed(0, decided, ENCODE.serialize("t", decided));
        assertThat(ledger.lookup(0, "svc", "k1")).contains(decided);
    }

    @Test
    void restoredBytesAreDecodedOnAHitAndTombstonesForgetThem() {
        String key = IdempotencyLedger.key("svc", "k1");
        LedgerEntry decided = entry("k1", NOW.minusSeconds(60));
        ledger.restored(
                1, key, ENCODE.serialize("t", decided), NOW.minusSeconds(60).toEpochMilli());
        assertThat(ledger.lookup(1, "svc", "k1")).contains(decided);

        ledger.restored(1, key, null, NOW.toEpochMilli());
        assertThat(ledger.lookup(1, "svc", "k1")).isEmpty();
    }

    @Test
    void recordsOlderThanTheRetentionAreNeitherKeptNorReturned() {
        Instant old = NOW.minus(RETENTION).minusSeconds(1);
        byte[] oldBytes = ENCODE.serialize("t", entry("old", old));
        ledger.restored(1, IdempotencyLedger.key("svc", "old"), oldBytes, old.toEpochMilli());
        assertThat(ledger.lookup(1, "svc", "old")).isEmpty();

        // Record written in time, decision itself just past the retention: kept, but the lookup checks decidedAt.
        ledger.restored(
                1,
                IdempotencyLedger.key("svc", "edge"),
                ENCODE.serialize("t", entry("edge", old)),
                NOW.minus(RETENTION).plusSeconds(1).toEpochMilli());
        assertThat(ledger.lookup(1, "svc", "edge")).isEmpty();
    }

    @Test
    void entriesLiveOnDiskUntilCloseAndAreGoneAfterIt() throws Exception {
        LedgerEntry decided = entry("k1", NOW);
        ledger.committed(0, decided, ENCODE.serialize("t", decided));
        try (var dirs = Files.list(stateDir)) {
            assertThat(dirs.toList())
                    .singleElement()
                    .satisfies(dir -> assertThat(Files.list(dir)).isNotEmpty());
        }

        ledger.close();
        assertThat(ledger.lookup(0, "svc", "k1"))
                .as("a lookup after close finds nothing and does not crash")
                .isEmpty();
        try (var dirs = Files.list(stateDir)) {
            assertThat(dirs.toList()).as("the store deletes its directory").isEmpty();
        }
    }

    @Test
    void aStartDeletesTheDirectoriesOfDeadProcessesAndKeepsThoseOfLiveOnes() throws Exception {
        Path dead = Files.createDirectories(stateDir.resolve("ledger-999999999-1"));
        Path live = Files.createDirectories(
                stateDir.resolve("ledger-" + ProcessHandle.current().pid() + "-999"));
        try (LedgerStore another = LedgerStore.open(stateDir, RETENTION)) {
            assertThat(dead).doesNotExist();
            assertThat(live).exists();
            another.put(0, "k", new byte[] {1});
            assertThat(another.get(0, "k")).containsExactly(1);
            assertThat(another.get(1, "k"))
                    .as("partitions are separate key spaces")
                    .isNull();
        }
    }
}
