package dev.logtocp.processor.ownership;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether this instance may still act for its partitions: the lease on group membership that every Logto request
 * checks through its partition's {@link PartitionLease}.
 *
 * <p>Kafka fences our producer when another instance takes a partition over; nothing fences our HTTP calls. The
 * group can give a partition away without this instance hearing of it only after the member's session expired
 * ({@code session.timeout.ms} without heartbeats, e.g. a frozen or cut-off process) or after it went
 * {@code max.poll.interval.ms} without polling. So a poll that returned while the consumer was a member of the
 * group confirms membership for {@link #leaseBound} after the poll began: the smaller of the two timeouts, less a
 * margin for clock and scheduling slack. A process that wakes up after a freeze finds its lease lapsed and makes no
 * call until its consumer has polled again as a member; by then a rebalance has revoked whatever it lost.
 *
 * <p>Threading: {@link #confirmed}, {@link #unconfirmed} and {@link #open} are called on the consumer thread;
 * {@link #live} from any thread.
 */
public final class OwnershipGate {
    private static final long UNCONFIRMED = Long.MIN_VALUE;

    private final long leaseNanos;
    private final LongSupplier nanoClock;
    private final Set<PartitionLease> leases = ConcurrentHashMap.newKeySet();
    /** {@link System#nanoTime} at the start of the last poll that confirmed membership. */
    private volatile long confirmedAt = UNCONFIRMED;

    public OwnershipGate(Duration leaseBound, LongSupplier nanoClock) {
        if (leaseBound.isNegative() || leaseBound.isZero()) {
            throw new IllegalArgumentException("the lease bound must be positive");
        }
        this.leaseNanos = leaseBound.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * How long one confirmation lasts: the smaller of the two ways to lose a partition without a callback, less a
     * quarter of it (at least one second) for slack.
     */
    public static Duration leaseBound(Duration sessionTimeout, Duration maxPollInterval) {
        Duration shortest = sessionTimeout.compareTo(maxPollInterval) <= 0 ? sessionTimeout : maxPollInterval;
        Duration margin = shortest.dividedBy(4);
        if (margin.compareTo(Duration.ofSeconds(1)) < 0) {
            margin = Duration.ofSeconds(1);
        }
        Duration bound = shortest.minus(margin);
        return bound.isNegative() || bound.isZero() ? shortest.dividedBy(2) : bound;
    }

    /** A poll that began at {@code pollStartedNanos} returned while the consumer was a member of the group. */
    public void confirmed(long pollStartedNanos) {
        confirmedAt = pollStartedNanos;
        // Calls that waited for the membership to be confirmed again may go now. Every poll wakes them, so one that
        // started waiting just after a wake waits at most one poll interval.
        leases.forEach(PartitionLease::wakeWaiters);
    }

    /** The consumer knows it is not a member (no generation): nothing may be called until it is again. */
    public void unconfirmed() {
        confirmedAt = UNCONFIRMED;
    }

    public boolean live() {
        long at = confirmedAt;
        return at != UNCONFIRMED && nanoClock.getAsLong() - at < leaseNanos;
    }

    public Duration leaseBound() {
        return Duration.ofNanos(leaseNanos);
    }

    /** A lease for a partition just assigned to this instance. */
    public PartitionLease open(TopicPartition partition) {
        PartitionLease lease = new PartitionLease(partition, this);
        leases.add(lease);
        return lease;
    }

    void closed(PartitionLease lease) {
        leases.remove(lease);
    }
}
