package dev.logtocp.processor.schedule;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs work strictly one at a time and in submission order per key, and in parallel across keys up to a global
 * limit. A key waiting for its turn, or its running item waiting on a retry timer, holds up only that key.
 * Keys that became runnable while the limit was reached start in the order they became runnable, and a key with
 * more work goes to the back of that line, so one busy user cannot starve the others.
 *
 * <p>An item can hold its key longer than its slot ({@link #submitStaged}): the global limit counts it until its
 * work is done, its key waits until its result is settled (the processor's per-key commit barrier: a user's next
 * command starts only once the previous outcome is committed, while other users' commands use the freed slot).
 *
 * <p>Not thread-safe by design: every method must be called on the one Vert.x context that owns the scheduler,
 * and the work it starts completes on that context.
 */
public final class KeyedScheduler {
    private final int maxInFlight;
    private final Map<String, ArrayDeque<Supplier<Running>>> queues = new HashMap<>();
    private final ArrayDeque<String> runnable = new ArrayDeque<>();
    private int inFlight;
    /** True while {@link #drain} runs: work that completes synchronously must not start more work from inside it. */
    private boolean draining;

    public KeyedScheduler(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
    }

    /**
     * What a started item reports.
     *
     * @param slotFreed completes when the item no longer counts against the global limit
     * @param keyFreed  completes when the key's next item may start; must not complete before {@code slotFreed}
     *                  is known to complete (the two may be the same future)
     */
    public record Running(Future<?> slotFreed, Future<?> keyFreed) {}

    /** Queues work whose one future frees both its slot and its key. */
    public void submit(String key, Supplier<Future<?>> work) {
        submitStaged(key, () -> {
            Future<?> done = work.get();
            return new Running(done, done);
        });
    }

    /** Queues work that frees its slot and its key separately (see the class comment). */
    public void submitStaged(String key, Supplier<Running> work) {
        ArrayDeque<Supplier<Running>> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        queue.addLast(work);
        if (queue.size() == 1) {
            runnable.addLast(key);
            drain();
        }
    }

    public int inFlight() {
        return inFlight;
    }

    /** Keys with work queued or running. */
    public int activeKeys() {
        return queues.size();
    }

    /**
     * Starts runnable keys up to the limit. Work that finishes synchronously (a skipped or DUPLICATE command) calls
     * {@link #finished} from inside {@link #start}; the loop below picks up what that made runnable instead of a
     * nested call, so a long run of such work cannot overflow the stack.
     */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (inFlight < maxInFlight && !runnable.isEmpty()) {
                start(runnable.pollFirst());
            }
        } finally {
            draining = false;
        }
    }

    private void start(String key) {
        Supplier<Running> work = queues.get(key).peekFirst();
        inFlight++;
        Running running;
        try {
            running = work.get();
        } catch (RuntimeException e) {
            Future<?> failed = Future.failedFuture(e);
            running = new Running(failed, failed);
        }
        running.slotFreed().onComplete(ignored -> {
            inFlight--;
            drain();
        });
        running.keyFreed().onComplete(ignored -> keyFreed(key));
    }

    private void keyFreed(String key) {
        ArrayDeque<Supplier<Running>> queue = queues.get(key);
        queue.pollFirst();
        if (queue.isEmpty()) {
            queues.remove(key);
        } else {
            runnable.addLast(key);
        }
        drain();
    }
}
