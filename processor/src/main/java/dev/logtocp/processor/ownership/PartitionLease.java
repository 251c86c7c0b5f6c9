package dev.logtocp.processor.ownership;

import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.logto.CallGate;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * This instance's hold on one partition during one assignment, and the only door from the partition's commands
 * to Logto ({@link CallGate}).
 *
 * <pre>
 *   OWNED ──revoke()──► REVOKING ──gone()──► GONE
 *     └──────────────gone()─────────────────────┘
 * </pre>
 * <ul>
 *   <li>OWNED: a request may leave while the {@link OwnershipGate} says membership is live; while it is not, the
 *       request waits for the next confirming poll.
 *   <li>REVOKING: the group is taking the partition back and this instance still holds it for the length of the
 *       rebalance callback. No request may leave; retries and timers registered with {@link #onRevoke} are
 *       cancelled at once; {@link #revoke} waits for the requests already on the wire to end. Commands that finish
 *       from those answers may still publish, inside the callback, while the generation is ours.
 *   <li>GONE: the partition is someone else's. Nothing leaves and nothing of this assignment is published.
 * </ul>
 *
 * <p>Threading: {@link #revoke} and {@link #gone} run on the consumer thread; {@link #enter}, {@link #exit} and
 * {@link #onRevoke} on event loops. State changes and the count of requests on the wire share one lock, so once
 * {@link #revoke} has set REVOKING no request can be counted in after it.
 */
public final class PartitionLease implements CallGate {

    /** Where the lease stands; see the class comment. */
    public enum State {
        OWNED,
        REVOKING,
        GONE
    }

    private final TopicPartition partition;
    private final OwnershipGate membership;
    private State state = State.OWNED;
    private int onWire;
    private long nextHandle;
    private final Map<Long, Runnable> cancellations = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();

    private record Waiter(Context context, Promise<Void> promise) {}

    PartitionLease(TopicPartition partition, OwnershipGate membership) {
        this.partition = partition;
        this.membership = membership;
    }

    public TopicPartition partition() {
        return partition;
    }

    public synchronized State state() {
        return state;
    }

    /** True while commands of this partition may start and call Logto. */
    public synchronized boolean owned() {
        return state == State.OWNED;
    }

    /** True until the partition is gone: outputs built now are still this instance's to publish. */
    public synchronized boolean mayPublish() {
        return state != State.GONE;
    }

    /** A command of this partition started executing (it may call Logto until {@link #workEnded}). */
    public void workStarted() {
        running.incrementAndGet();
    }

    /** A command of this partition finished executing, or was abandoned. */
    public void workEnded() {
        running.decrementAndGet();
    }

    /** Commands of this partition executing now. */
    public int runningWork() {
        return running.get();
    }

    /** Requests let through and not yet ended. */
    public synchronized int onWire() {
        return onWire;
    }

    @Override
    public Future<Void> enter() {
        Context context = Vertx.currentContext();
        Promise<Void> wait;
        synchronized (this) {
            if (state != State.OWNED) {
                return Future.failedFuture(new CallFencedException("partition " + partition + " is " + state));
            }
            if (membership.live()) {
                onWire++;
                return Future.succeededFuture();
            }
            if (context == null) {
                return Future.failedFuture(new CallFencedException("group membership not confirmed"));
            }
            wait = Promise.promise();
            waiters.add(new Waiter(context, wait));
        }
        // Woken on the caller's context by the next confirming poll, or failed by a revocation: try again then.
        return wait.future().compose(v -> enter());
    }

    @Override
    public synchronized void exit() {
        onWire--;
        if (onWire == 0) {
            notifyAll();
        }
    }

    /**
     * Registers what cancels a pending retry or timer of this partition's work. Returns a handle for
     * {@link #forget}, or -1 when the lease is no longer owned: the caller must then give the work up itself.
     */
    public synchronized long onRevoke(Runnable cancel) {
        if (state != State.OWNED) {
            return -1;
        }
        long handle = nextHandle++;
        cancellations.put(handle, cancel);
        return handle;
    }

    /** The timer behind {@code handle} fired or was cancelled by its owner. */
    public synchronized void forget(long handle) {
        cancellations.remove(handle);
    }

    /**
     * The group takes the partition back: refuses new requests, cancels pending retries and timers now, and waits
     * up to {@code callsEnd} for requests already on the wire to end. Returns true when none is left on the wire.
     * Consumer thread only; blocks.
     */
    public boolean revoke(Duration callsEnd) {
        List<Runnable> cancels;
        List<Waiter> waiting;
        synchronized (this) {
            if (state == State.OWNED) {
                state = State.REVOKING;
            }
            cancels = takeCancellations();
            waiting = takeWaiters();
        }
        release(cancels, waiting);
        long deadline = System.nanoTime() + callsEnd.toNanos();
        synchronized (this) {
            while (onWire > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    long millis = Math.max(1, left / 1_000_000);
                    wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return onWire == 0;
                }
            }
            return true;
        }
    }

    /** The partition is someone else's: nothing more leaves or is published for it. */
    public void gone() {
        List<Runnable> cancels;
        List<Waiter> waiting;
        synchronized (this) {
            state = State.GONE;
            cancels = takeCancellations();
            waiting = takeWaiters();
        }
        release(cancels, waiting);
        membership.closed(this);
    }

    void wakeWaiters() {
        List<Waiter> waiting;
        synchronized (this) {
            waiting = takeWaiters();
        }
        for (Waiter w : waiting) {
            w.context().runOnContext(v -> w.promise().tryComplete());
        }
    }

    private List<Runnable> takeCancellations() {
        List<Runnable> cancels = new ArrayList<>(cancellations.values());
        cancellations.clear();
        return cancels;
    }

    private List<Waiter> takeWaiters() {
        List<Waiter> waiting = new ArrayList<>(waiters);
        waiters.clear();
        return waiting;
    }

    private void release(List<Runnable> cancels, List<Waiter> waiting) {
        cancels.forEach(Runnable::run);
        for (Waiter w : waiting) {
            // The retry in enter() then finds the lease no longer owned and fails with CallFencedException.
            w.context().runOnContext(v -> w.promise().tryComplete());
        }
    }

    @Override
    public String toString() {
        return "PartitionLease[" + partition + " " + state() + "]";
    }
}
