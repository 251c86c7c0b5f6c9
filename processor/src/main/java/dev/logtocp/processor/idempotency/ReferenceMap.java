package dev.logtocp.processor.idempotency;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * externalId to Logto user id, for the partitions this instance owns: the in-memory view of the references topic.
 * Logto cannot search customData, so this map is how a command can name a user by the upstream id given at
 * UserCreate. Like the ledger, a mapping is pending from the moment its UserCreate succeeds until its transaction
 * commits, and stops counting if that partition assignment is abandoned.
 *
 * <p>Thread-safe: lookups and pending entries come from the event loop, restores and commits from the consumer
 * thread.
 */
public final class ReferenceMap {
    private final Map<Integer, Partition> partitions = new ConcurrentHashMap<>();

    public Optional<String> lookup(int partition, String externalId) {
        Partition p = partitions.get(partition);
        if (p == null) {
            return Optional.empty();
        }
        Pending pending = p.pending.get(externalId);
        if (pending != null) {
            if (pending.owner.getAsBoolean()) {
                return Optional.ofNullable(pending.userId);
            }
            p.pending.remove(externalId, pending);
        }
        return Optional.ofNullable(p.committed.get(externalId));
    }

    /** A mapping (or, with a null user id, a removal) whose transaction has not committed yet. */
    public void recordPending(int partition, String externalId, String userId, BooleanSupplier owner) {
        partition(partition).pending.put(externalId, new Pending(userId, owner));
    }

    public void committed(int partition, String externalId, String userId) {
        Partition p = partition(partition);
        if (userId == null) {
            p.committed.remove(externalId);
        } else {
            p.committed.put(externalId, userId);
        }
        p.pending.computeIfPresent(externalId, (k, pending) -> Objects.equals(pending.userId, userId) ? null : pending);
    }

    void restored(int partition, String externalId, String userId) {
        Partition p = partition(partition);
        if (userId == null) {
            p.committed.remove(externalId);
        } else {
            p.committed.put(externalId, userId);
        }
    }

    public long size() {
        long n = 0;
        for (Partition p : partitions.values()) {
            n += p.committed.size();
        }
        return n;
    }

    private Partition partition(int partition) {
        return partitions.computeIfAbsent(partition, k -> new Partition());
    }

    private static final class Partition {
        final Map<String, String> committed = new ConcurrentHashMap<>();
        final Map<String, Pending> pending = new ConcurrentHashMap<>();
    }

    private record Pending(String userId, BooleanSupplier owner) {}
}
