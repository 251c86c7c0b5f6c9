package dev.logtocp.processor.logto;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation of one processor instance calling a server through a {@link ConcurrencyLimit}, in
 * virtual time: deterministic, and minutes of traffic in milliseconds of test time. The client has an endless
 * backlog (every command waiting for a call slot), as in the benchmark's burst.
 *
 * <p>Single-threaded; test support only.
 */
final class LimitSimulation {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** How the server answers a call sent at {@code now} with {@code inFlight} calls (this one included) out. */
    interface Server {
        void accept(LimitSimulation sim, long now, int inFlight, Call call);
    }

    static final class Call {
        final long sentAt;
        boolean answered;

        Call(long sentAt) {
            this.sentAt = sentAt;
        }
    }

    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final ConcurrencyLimit limit;
    private final Server server;
    private long now;
    private long seq;
    private int inFlight;
    private int maxInFlightSeen;
    private long clientOverhead;

    long successes;
    long drops;
    long limitSamples;
    long limitSum;
    int minLimitSeen = Integer.MAX_VALUE;
    int maxLimitSeen;

    LimitSimulation(ConcurrencyLimit limit, Server server) {
        this.limit = limit;
        this.server = server;
    }

    /** Time the client spends between being granted a permit and the request reaching the server. */
    LimitSimulation withClientOverhead(long nanos) {
        this.clientOverhead = nanos;
        return this;
    }

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        events.add(new Event(time, seq++, action));
    }

    /** The server's answer to {@code call} at {@code time}: success, or an overload answer when {@code dropped}. */
    void answer(Call call, long time, boolean dropped) {
        at(time, () -> {
            if (call.answered) {
                return;
            }
            call.answered = true;
            inFlight--;
            if (dropped) {
                drops++;
            } else {
                successes++;
            }
            limit.onSample(now, now - call.sentAt, dropped, inFlight);
            fill();
        });
    }

    private void fill() {
        while (inFlight < limit.limit()) {
            inFlight++;
            maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
            Call call = new Call(now);
            int out = inFlight;
            if (clientOverhead == 0) {
                server.accept(this, now, out, call);
            } else {
                at(now + clientOverhead, () -> server.accept(this, now, out, call));
            }
        }
    }

    /** Runs until {@code until}; returns the successes per second in that span. */
    double runUntil(long until) {
        long before = successes;
        long from = now;
        if (inFlight == 0) {
            fill();
        }
        // Sample the limit every millisecond of virtual time for its average.
        for (long t = ((now / MS) + 1) * MS; t <= until; t += MS) {
            at(t, () -> {
                int l = limit.limit();
                limitSamples++;
                limitSum += l;
                minLimitSeen = Math.min(minLimitSeen, l);
                maxLimitSeen = Math.max(maxLimitSeen, l);
            });
        }
        while (!events.isEmpty() && events.peek().at() <= until) {
            Event e = events.poll();
            now = e.at();
            e.action().run();
        }
        now = until;
        return (successes - before) * (double) S / (until - from);
    }

    void resetLimitStats() {
        limitSamples = 0;
        limitSum = 0;
        minLimitSeen = Integer.MAX_VALUE;
        maxLimitSeen = 0;
    }

    double averageLimit() {
        return limitSamples == 0 ? 0 : (double) limitSum / limitSamples;
    }

    int maxInFlightSeen() {
        return maxInFlightSeen;
    }

    /**
     * Logto's measured overload shape: {@code workers} database connections, each call holds one for the service
     * time; a call that waits longer than {@code waitLimit} for one gets 500 then. Workers can be changed mid-run.
     */
    static final class Pool implements Server {
        private int workers;
        private long service;
        private final long waitLimit;
        private final SplittableRandom random = new SplittableRandom(42);
        private final ArrayDeque<Call> queue = new ArrayDeque<>();
        private int busy;
        long answered500;

        Pool(int workers, long service, long waitLimit) {
            this.workers = workers;
            this.service = service;
            this.waitLimit = waitLimit;
        }

        void setWorkers(LimitSimulation sim, int workers) {
            this.workers = workers;
            startWaiting(sim);
        }

        void setService(long service) {
            this.service = service;
        }

        @Override
        public void accept(LimitSimulation sim, long now, int inFlight, Call call) {
            if (busy < workers) {
                serve(sim, now, call);
                return;
            }
            queue.addLast(call);
            sim.at(now + waitLimit, () -> {
                if (queue.remove(call)) {
                    answered500++;
                    sim.answer(call, sim.now(), true);
                }
            });
        }

        private void serve(LimitSimulation sim, long now, Call call) {
            busy++;
            long took = (long) (service * (0.8 + 0.4 * random.nextDouble()));
            sim.at(now + took, () -> {
                busy--;
                sim.answer(call, sim.now(), false);
                startWaiting(sim);
            });
        }

        private void startWaiting(LimitSimulation sim) {
            while (busy < workers && !queue.isEmpty()) {
                serve(sim, sim.now(), queue.pollFirst());
            }
        }
    }

    /**
     * A server without a capacity limit (the benchmark's simulator with a fixed latency), seen through a client
     * whose own CPU adds a little latency per call in flight, as the processor's event loops do at 10,000 calls/s.
     */
    static final class FixedLatency implements Server {
        private final long latency;
        private final long perInFlight;
        private final double faultRate;
        private final SplittableRandom random = new SplittableRandom(7);

        FixedLatency(long latency, long perInFlight, double faultRate) {
            this.latency = latency;
            this.perInFlight = perInFlight;
            this.faultRate = faultRate;
        }

        @Override
        public void accept(LimitSimulation sim, long now, int inFlight, Call call) {
            if (random.nextDouble() < faultRate) {
                sim.answer(call, now + MS, true);
                return;
            }
            long jitter = (long) (latency * 0.1 * random.nextDouble());
            sim.answer(call, now + latency + jitter + perInFlight * inFlight, false);
        }
    }

    /** A server that answers 503 at once to everything: an outage behind a proxy. */
    static final class Down implements Server {
        @Override
        public void accept(LimitSimulation sim, long now, int inFlight, Call call) {
            sim.answer(call, now + MS, true);
        }
    }
}
