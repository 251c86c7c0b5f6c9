package dev.logtocp.simulator;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * The {@link CapacityModel} as a discrete-event simulation in the caller's time (nanoseconds from any fixed origin):
 * requests are walked through their steps, the server's steps are served one after another, connections are handed
 * out first come, first served, and waits that outlast the limit fail the request. Nothing here sleeps or blocks; the
 * owner calls {@link #advance} when {@link #nextEventAt} is due and passes the time it sees.
 *
 * <p>Times are nanoseconds from the engine's creation and never negative. Events are processed in time order, and each continues from the time it was due rather than the time it was
 * processed, so late processing (a coarse timer) delays answers slightly but never lowers throughput.
 *
 * <p>Threading: not thread-safe; one thread (the simulator's event loop, or a test) owns it.
 */
final class CapacityEngine {

    /** The work a request stands for, by how Logto's route uses the database. */
    enum Kind {
        /** A GET or a token request: one query. */
        READ(new Op[] {Op.CPU, Op.QUERY, Op.CPU}),
        /** Any other change: two queries. */
        WRITE(new Op[] {Op.CPU, Op.QUERY, Op.CPU, Op.QUERY, Op.CPU}),
        /**
         * {@code POST /api/users}: three look-ups (username, id, default roles), then a transaction that keeps its
         * connection while the insert takes a second one from the pool (Logto's {@code insertUser}).
         */
        CREATE(new Op[] {
            Op.CPU,
            Op.QUERY,
            Op.CPU,
            Op.QUERY,
            Op.CPU,
            Op.QUERY,
            Op.CPU,
            Op.BEGIN,
            Op.CPU,
            Op.NESTED_QUERY,
            Op.CPU,
            Op.COMMIT,
            Op.CPU
        });

        final Op[] steps;
        final int cpuSteps;

        Kind(Op[] steps) {
            this.steps = steps;
            int cpu = 0;
            for (Op op : steps) {
                cpu += op == Op.CPU ? 1 : 0;
            }
            this.cpuSteps = cpu;
        }
    }

    enum Op {
        CPU,
        QUERY,
        BEGIN,
        NESTED_QUERY,
        COMMIT
    }

    /** What happens to a request at the end: it is let through to the route, or it fails with 500. */
    interface Outcome {
        void admitted();

        void failed();
    }

    /** Counters for the admin endpoint and tests. */
    record Stats(
            long admitted,
            long failed,
            int inUse,
            int peakInUse,
            int waiting,
            int peakWaiting,
            int active,
            long serverBacklogNanos) {}

    private static final class Request {
        final Kind kind;
        final Outcome outcome;
        int step;
        int held;
        boolean done;

        Request(Kind kind, Outcome outcome) {
            this.kind = kind;
            this.outcome = outcome;
        }
    }

    private static final class Waiter {
        final Request request;
        final Runnable granted;
        boolean settled;

        Waiter(Request request, Runnable granted) {
            this.request = request;
            this.granted = granted;
        }
    }

    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    private final Random random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Set<Request> active = new HashSet<>();
    private CapacityModel model;
    private long seq;
    private long serverFreeAt;
    private long now;
    private int inUse;
    private int peakInUse;
    private int waiting;
    private int peakWaiting;
    private long admitted;
    private long failed;

    CapacityEngine(CapacityModel model, long seed) {
        this.model = model;
        this.random = new Random(seed);
    }

    CapacityModel model() {
        return model;
    }

    /**
     * Starts a request at time {@code at}; its outcome is called from a later {@link #advance} (or from this call).
     * May be called from an outcome, which starts the request at the time being processed.
     */
    void submit(Kind kind, long at, Outcome outcome) {
        if (at > now) {
            advance(at);
        }
        Request request = new Request(kind, outcome);
        active.add(request);
        next(request);
    }

    /** Processes every event due at or before {@code at}. */
    void advance(long at) {
        Event event;
        while ((event = events.peek()) != null && event.at <= at) {
            events.poll();
            now = event.at;
            event.action.run();
        }
        now = Math.max(now, at);
    }

    /** The time of the event being processed, or of the last call. */
    long now() {
        return now;
    }

    /** When the next event is due, or {@link Long#MAX_VALUE} when nothing is pending. */
    long nextEventAt() {
        Event event = events.peek();
        return event == null ? Long.MAX_VALUE : event.at;
    }

    /** New settings take effect for steps and waits that start from now on; a larger pool serves waiters at once. */
    void reconfigure(CapacityModel next, long at) {
        if (at > now) {
            advance(at);
        }
        model = next;
        grantWaiters();
    }

    /** Lets every request in progress through at once (the model is being switched off). */
    void drain() {
        for (Request request : active.toArray(new Request[0])) {
            if (!request.done) {
                request.done = true;
                admitted++;
                request.outcome.admitted();
            }
        }
        active.clear();
        waiters.forEach(w -> w.settled = true);
        waiters.clear();
        events.clear();
        inUse = 0;
        waiting = 0;
    }

    Stats stats() {
        return new Stats(
                admitted,
                failed,
                inUse,
                peakInUse,
                waiting,
                peakWaiting,
                active.size(),
                Math.max(0, serverFreeAt - now));
    }

    // ---- request steps -------------------------------------------------------------------------------------------

    private void next(Request request) {
        if (request.done) {
            return;
        }
        if (request.step == request.kind.steps.length) {
            finish(request, true);
            return;
        }
        Op op = request.kind.steps[request.step++];
        switch (op) {
            case CPU -> serve(request);
            case QUERY, NESTED_QUERY -> acquire(request, () -> query(request, true));
            case BEGIN -> acquire(request, () -> query(request, false));
            case COMMIT ->
                at(now + model.queryTime().toNanos(), () -> {
                    release(request);
                    next(request);
                });
            default -> throw new IllegalStateException(op.name());
        }
    }

    /** One server step: the server does one at a time, each costing a random share of the request's cost. */
    private void serve(Request request) {
        long mean = cost(request.kind) / request.kind.cpuSteps;
        // Exponential service times: real request costs vary, and identical costs would march requests in lockstep.
        long sample = mean == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * mean);
        long start = Math.max(now, serverFreeAt);
        serverFreeAt = start + sample;
        at(serverFreeAt, () -> next(request));
    }

    private long cost(Kind kind) {
        return switch (kind) {
            case READ -> model.readCost().toNanos();
            case WRITE -> model.writeCost().toNanos();
            case CREATE -> model.createCost().toNanos();
        };
    }

    /** A query on a connection just granted; {@code releaseAfter} false keeps it (a transaction's own connection). */
    private void query(Request request, boolean releaseAfter) {
        at(now + model.queryTime().toNanos(), () -> {
            if (releaseAfter) {
                release(request);
            }
            next(request);
        });
    }

    private void acquire(Request request, Runnable granted) {
        if (inUse < model.poolSize() && waiting == 0) {
            // Waits that timed out may still sit in the queue; with nobody really waiting they are garbage.
            waiters.clear();
            take(request);
            granted.run();
            return;
        }
        Waiter waiter = new Waiter(request, granted);
        waiters.addLast(waiter);
        waiting++;
        peakWaiting = Math.max(peakWaiting, waiting);
        at(now + model.waitLimit().toNanos(), () -> {
            if (!waiter.settled) {
                waiter.settled = true;
                waiting--;
                // Logto answers 500 once the pool refuses; the transaction, if any, is rolled back.
                finish(request, false);
            }
        });
    }

    private void take(Request request) {
        inUse++;
        request.held++;
        peakInUse = Math.max(peakInUse, inUse);
    }

    private void release(Request request) {
        if (request.held > 0) {
            request.held--;
            inUse--;
            grantWaiters();
        }
    }

    private void grantWaiters() {
        while (inUse < model.poolSize() && !waiters.isEmpty()) {
            Waiter waiter = waiters.pollFirst();
            if (waiter.settled) {
                continue;
            }
            waiter.settled = true;
            waiting--;
            take(waiter.request);
            waiter.granted.run();
        }
    }

    private void finish(Request request, boolean success) {
        if (request.done) {
            return;
        }
        request.done = true;
        active.remove(request);
        while (request.held > 0) {
            release(request);
        }
        if (success) {
            admitted++;
            request.outcome.admitted();
        } else {
            failed++;
            request.outcome.failed();
        }
    }

    private void at(long time, Runnable action) {
        events.add(new Event(time, seq++, action));
    }
}
