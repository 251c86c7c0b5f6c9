package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.LedgerEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What this instance knows has been decided, per (issuer, idempotencyKey), for the partitions it owns: the
 * in-memory view of the ledger topic. Entries are <em>pending</em> from the moment a command is decided until the
 * transaction carrying its outcome commits, so a second command with the same key that runs right after the first
 * already sees it; a pending entry stops counting as soon as its owner (the partition assignment that produced it)
 * is abandoned, because then its transaction may never commit.
 *
 * <p>Thread-safe: lookups and pending entries come from the event loop, restores and commits from the consumer
 * thread.
 */
public final class IdempotencyLedger {
    private final Map<Integer, PartitionLedger> partitions = new ConcurrentHashMap<>();
    private final Duration retention;
    private final Clock clock;

    public IdempotencyLedger(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    public static String key(String issuer, String idempotencyKey) {
        // NUL cannot occur in a validated issuer, so the pair maps to one string without ambiguity.
        return issuer + '\u0000' + idempotencyKey;
    }

    /** The live decision for this key on this ledger partition, if one is known and not expired. */
    public Optional<LedgerEntry> lookup(int partition, String issuer, String idempotencyKey) {
        PartitionLedger ledger = partitions.get(partition);
        if (ledger == null) {
            return Optional.empty();
        }
        String key = key(issuer, idempotencyKey);
        Pending pending = ledger.pending.get(key);
        LedgerEntry entry = null;
        if (pending != null) {
            if (pending.owner.getAsBoolean()) {
                entry = pending.entry;
            } else {
                ledger.pending.remove(key, pending);
            }
        }
        if (entry == null) {
            entry = ledger.committed.get(key);
        }
        if (entry == null || entry.getDecidedAt().isBefore(clock.instant().minus(retention))) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** The decision for this key on any partition this instance holds, for status queries. */
    public Optional<LedgerEntry> find(String issuer, String idempotencyKey) {
        for (Integer partition : partitions.keySet()) {
            Optional<LedgerEntry> entry = lookup(partition, issuer, idempotencyKey);
            if (entry.isPresent()) {
                return entry;
            }
        }
        return Optional.empty();
    }

    /** Committed entries held across all partitions. */
    public long size() {
        long n = 0;
        for (PartitionLedger ledger : partitions.values()) {
            n += ledger.committed.size();
        }
        return n;
    }

    /** A decision whose transaction has not committed yet; it counts while {@code owner} says so. */
    public void recordPending(int partition, LedgerEntry entry, BooleanSupplier owner) {
        partitions.computeIfAbsent(partition, p -> new PartitionLedger())
                .pending.put(key(entry.getIssuer(), entry.getIdempotencyKey()), new Pending(entry, owner));
    }

    /** The transaction carrying {@code entry} committed. */
    public void committed(int partition, LedgerEntry entry) {
        PartitionLedger ledger = partitions.computeIfAbsent(partition, p -> new PartitionLedger());
        String key = key(entry.getIssuer(), entry.getIdempotencyKey());
        ledger.committed.put(key, entry);
        ledger.pending.computeIfPresent(key, (k, p) -> p.entry == entry ? null : p);
    }

    /** An entry read back from the ledger topic during a restore ({@code null} value: a tombstone). */
    void restored(int partition, String key, LedgerEntry entry) {
        PartitionLedger ledger = partitions.computeIfAbsent(partition, p -> new PartitionLedger());
        if (entry == null) {
            ledger.committed.remove(key);
        } else if (!entry.getDecidedAt().isBefore(clock.instant().minus(retention))) {
            ledger.committed.put(key, entry);
        }
    }

    private static final class PartitionLedger {
        final Map<String, LedgerEntry> committed = new ConcurrentHashMap<>();
        final Map<String, Pending> pending = new ConcurrentHashMap<>();
    }

    private record Pending(LedgerEntry entry, BooleanSupplier owner) {
    }
}
