package dev.logtocp.processor.ownership;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * margin for clock and scheduling slack.
 *
 * <p>A process that was frozen (SIGSTOP, a VM pause, a stalled host) wakes with its timers due at once, and its
 * consumer may still believe in a generation the group has already replaced: the first poll after the wake can
 * return buffered records before a heartbeat tells it otherwise. So a stall is detected independently: a ticker
 * thread ({@link #tick}) notes its own gaps, and the consumer thread compares the last tick with the clock before it
 * confirms. A gap as long as the lease marks the membership suspect: no call leaves, polls confirm nothing, and
 * the consumer is asked to rejoin the group ({@link #takeRebalanceRequest}); only a new assignment
 * ({@link #rebalanced}) ends the suspicion, and by then a rebalance has revoked whatever this instance lost.
 *
 * <p>Threading: {@link #confirmed}, {@link #unconfirmed}, {@link #rebalanced}, {@link #takeRebalanceRequest} and
 * {@link #open} are called on the consumer thread; {@link #tick} on the ticker thread; {@link #live} from any thread.
 */
public final class OwnershipGate {
    private static final long UNCONFIRMED = Long.MIN_VALUE;

    private final long leaseNanos;
    private final LongSupplier nanoClock;
    private final Set<PartitionLease> leases = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean rebalanceRequested = new AtomicBoolean();
    /** {@link System#nanoTime} at the start of the last poll that confirmed membership. */
    private volatile long confirmedAt = UNCONFIRMED;

    private volatile long lastTick;
    private volatile boolean suspect;

    public OwnershipGate(Duration leaseBound, LongSupplier nanoClock) {
        if (leaseBound.isNegative() || leaseBound.isZero()) {
            throw new IllegalArgumentException("the lease bound must be positive");
        }
        this.leaseNanos = leaseBound.toNanos();
        this.nanoClock = nanoClock;
        this.lastTick = nanoClock.getAsLong();
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

    /**
     * A poll that began at {@code pollStartedNanos} returned while the consumer was a member of the group. Confirms
     * nothing while the membership is suspect, or when the ticker has not ticked for a lease: then this very poll
     * may be the first one after a freeze.
     */
    public void confirmed(long pollStartedNanos) {
        if (nanoClock.getAsLong() - lastTick >= leaseNanos) {
            markSuspect();
        }
        if (suspect) {
            return;
        }
        confirmedAt = pollStartedNanos;
        // Calls that waited for the membership to be confirmed again may go now. Every poll wakes them, so one that
        // started waiting just after a wake waits at most one poll interval.
        leases.forEach(PartitionLease::wakeWaiters);
    }

    /** The consumer knows it is not a member (no generation): nothing may be called until it is again. */
    public void unconfirmed() {
        confirmedAt = UNCONFIRMED;
    }

    /** The ticker thread's heartbeat: a gap of a lease or more since the last tick means this process stalled. */
    public void tick() {
        long now = nanoClock.getAsLong();
        long gap = now - lastTick;
        lastTick = now;
        if (gap >= leaseNanos) {
            markSuspect();
        }
    }

    /**
     * Starts the ticker: a daemon thread that calls {@link #tick} every {@code interval} until interrupted. It does
     * nothing else, so only a stalled process (or a starved machine) delays it by a whole lease.
     */
    public Thread startTicker(Duration interval) {
        Thread ticker = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        tick();
                        try {
                            Thread.sleep(interval.toMillis());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "ownership-ticker");
        ticker.setDaemon(true);
        tick();
        ticker.start();
        return ticker;
    }

    /** The group assigned partitions to this instance: a fresh generation, so membership is no longer suspect. */
    public void rebalanced() {
        suspect = false;
    }

    /** True once after a stall was detected: the consumer should rejoin the group to learn what it still owns. */
    public boolean takeRebalanceRequest() {
        return rebalanceRequested.getAndSet(false);
    }

    public boolean suspect() {
        return suspect;
    }

    private void markSuspect() {
        if (!suspect) {
            suspect = true;
            rebalanceRequested.set(true);
        }
        confirmedAt = UNCONFIRMED;
    }

    public boolean live() {
        long at = confirmedAt;
        return !suspect && at != UNCONFIRMED && nanoClock.getAsLong() - at < leaseNanos;
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
