package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.LedgerEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What this instance knows has been decided, per (issuer, idempotencyKey), for the partitions it owns: the
 * local view of the ledger topic. Entries are <em>pending</em> from the moment a command is decided until the
 * transaction carrying its outcome commits, so a second command with the same key that runs right after the first
 * already sees it; a pending entry stops counting as soon as its owner (the partition assignment that produced it)
 * is abandoned, because then its transaction may never commit.
 *
 * <p>Committed entries live in a {@link LedgerStore} on local disk, as the bytes the ledger topic holds them in,
 * and are decoded only when a command hits one (a duplicate or a key reuse, the rare case). Only pending entries,
 * at most the commands in flight, are in the heap.
 *
 * <p>Thread-safe: lookups and pending entries come from the event loop, restores and commits from the consumer
 * thread.
 */
public final class IdempotencyLedger implements AutoCloseable {
    private final Map<Integer, Map<String, Pending>> pending = new ConcurrentHashMap<>();
    private final LedgerStore store;
    /** Partitions with entries, for status queries that do not know the partition. */
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    private final Duration retention;
    private final Clock clock;
    private final LedgerCodec codec;

    public IdempotencyLedger(Duration retention, Clock clock, LedgerCodec codec, LedgerStore store) {
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.codec = codec;
    }

    public static String key(String issuer, String idempotencyKey) {
        // NUL cannot occur in a validated issuer, so the pair maps to one string without ambiguity.
        return issuer + '\u0000' + idempotencyKey;
    }

    /** The live decision for this key on this ledger partition, if one is known and not expired. */
    public Optional<LedgerEntry> lookup(int partition, String issuer, String idempotencyKey) {
        String key = key(issuer, idempotencyKey);
        LedgerEntry entry = null;
        Map<String, Pending> waiting = pending.get(partition);
        Pending candidate = waiting == null ? null : waiting.get(key);
        if (candidate != null) {
            if (candidate.owner.getAsBoolean()) {
                entry = candidate.entry;
            } else {
                waiting.remove(key, candidate);
            }
        }
        if (entry == null) {
            byte[] encoded = store.get(partition, key);
            entry = encoded == null ? null : codec.decode(encoded);
        }
        if (entry == null || entry.getDecidedAt().isBefore(oldestLive())) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** The decision for this key on any partition this instance holds, for status queries. */
    public Optional<LedgerEntry> find(String issuer, String idempotencyKey) {
        for (Integer partition : owned) {
            Optional<LedgerEntry> entry = lookup(partition, issuer, idempotencyKey);
            if (entry.isPresent()) {
                return entry;
            }
        }
        return Optional.empty();
    }

    /** Committed entries held, as the store estimates them. */
    public long size() {
        return store.approximateSize();
    }

    /** A decision whose transaction has not committed yet; it counts while {@code owner} says so. */
    public void recordPending(int partition, LedgerEntry entry, BooleanSupplier owner) {
        owned.add(partition);
        pending.computeIfAbsent(partition, p -> new ConcurrentHashMap<>())
                .put(key(entry.getIssuer(), entry.getIdempotencyKey()), new Pending(entry, owner));
    }

    /** The transaction carrying {@code entry} committed; {@code encoded} is its ledger record's value. */
    public void committed(int partition, LedgerEntry entry, byte[] encoded) {
        owned.add(partition);
        String key = key(entry.getIssuer(), entry.getIdempotencyKey());
        store.put(partition, key, encoded);
        Map<String, Pending> waiting = pending.get(partition);
        if (waiting != null) {
            waiting.computeIfPresent(key, (k, p) -> p.entry == entry ? null : p);
        }
    }

    /**
     * A record read back from the ledger topic during a restore, as the topic holds it ({@code null}: a
     * tombstone). {@code writtenAt} is the record's timestamp, written just after the decision: records older than
     * the retention are skipped without decoding, and {@link #lookup} checks the exact decision time.
     */
    void restored(int partition, String key, byte[] encoded, long writtenAt) {
        owned.add(partition);
        if (encoded == null) {
            store.delete(partition, key);
        } else if (writtenAt >= oldestLive().toEpochMilli()) {
            store.put(partition, key, encoded);
        }
    }

    @Override
    public void close() {
        store.close();
    }

    private Instant oldestLive() {
        return clock.instant().minus(retention);
    }

    private record Pending(LedgerEntry entry, BooleanSupplier owner) {}
}
