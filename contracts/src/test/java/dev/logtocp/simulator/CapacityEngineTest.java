package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The capacity model in simulated time: every figure here is arithmetic of the model, driven by a loop that jumps
 * from event to event, so nothing depends on the speed of the machine running the test.
 */
class CapacityEngineTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    /** A model where only the pool matters: no server cost, each query holds its connection {@code queryMs}. */
    private static CapacityModel poolOnly(int pool, long queryMs, long waitMs) {
        return new CapacityModel(
                pool,
                Duration.ofMillis(waitMs),
                Duration.ZERO,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofMillis(queryMs));
    }

    /** Records when each request ended and how. */
    private static final class Log implements CapacityEngine.Outcome {
        final CapacityEngine engine;
        final String name;
        final List<String> ends;
        long endedAt = -1;

        Log(CapacityEngine engine, String name, List<String> ends) {
            this.engine = engine;
            this.name = name;
            this.ends = ends;
        }

        @Override
        public void admitted() {
            endedAt = engine.now();
            ends.add(name + ":ok");
        }

        @Override
        public void failed() {
            endedAt = engine.now();
            ends.add(name + ":500");
        }
    }

    private static void runUntil(CapacityEngine engine, long until) {
        for (long next = engine.nextEventAt(); next <= until; next = engine.nextEventAt()) {
            engine.advance(next);
        }
        engine.advance(until);
    }

    /** Result of a closed loop: {@code concurrency} clients, each sending its next request when the last ends. */
    private record Loop(long admitted, long failed, int peakInUse) {}

    private static Loop closedLoop(CapacityModel model, CapacityEngine.Kind kind, int concurrency, long seconds) {
        CapacityEngine engine = new CapacityEngine(model, 7);
        long end = seconds * SECOND;
        long[] counts = new long[2];
        for (int i = 0; i < concurrency; i++) {
            // Clients start a few milliseconds apart, as real clients opening connections do.
            client(engine, kind, i * 3 * MS, end, counts);
        }
        runUntil(engine, end);
        return new Loop(counts[0], counts[1], engine.stats().peakInUse());
    }

    private static void client(CapacityEngine engine, CapacityEngine.Kind kind, long at, long end, long[] counts) {
        if (at >= end) {
            return;
        }
        engine.submit(kind, at, new CapacityEngine.Outcome() {
            @Override
            public void admitted() {
                counts[0]++;
                client(engine, kind, engine.now(), end, counts);
            }

            @Override
            public void failed() {
                counts[1]++;
                client(engine, kind, engine.now(), end, counts);
            }
        });
    }

    @Test
    void connectionsAreHandedOutFirstComeFirstServedAndNeverBeyondThePool() {
        CapacityEngine engine = new CapacityEngine(poolOnly(2, 100, 10_000), 1);
        List<String> ends = new ArrayList<>();
        List<Log> logs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Log log = new Log(engine, "r" + i, ends);
            logs.add(log);
            engine.submit(CapacityEngine.Kind.READ, 0, log);
        }
        runUntil(engine, 10 * SECOND);

        assertThat(ends).containsExactly("r0:ok", "r1:ok", "r2:ok", "r3:ok", "r4:ok");
        assertThat(engine.stats().peakInUse()).isEqualTo(2);
        // Two at a time, 100 ms each: the fifth request ends after three rounds.
        assertThat(logs.get(4).endedAt).isEqualTo(300 * MS);

        // Negative control: a pool as large as the load serves everyone in the first round.
        CapacityEngine wide = new CapacityEngine(poolOnly(5, 100, 10_000), 1);
        Log last = null;
        for (int i = 0; i < 5; i++) {
            last = new Log(wide, "w" + i, new ArrayList<>());
            wide.submit(CapacityEngine.Kind.READ, 0, last);
        }
        runUntil(wide, 10 * SECOND);
        assertThat(last.endedAt).isEqualTo(100 * MS);
        assertThat(wide.stats().peakInUse()).isEqualTo(5);
    }

    @Test
    void aRequestThatWaitsLongerThanTheLimitFailsAndFreesNothingItDidNotHold() {
        CapacityEngine engine = new CapacityEngine(poolOnly(1, 1_000, 100), 1);
        List<String> ends = new ArrayList<>();
        Log first = new Log(engine, "first", ends);
        Log second = new Log(engine, "second", ends);
        engine.submit(CapacityEngine.Kind.READ, 0, first);
        engine.submit(CapacityEngine.Kind.READ, 0, second);
        runUntil(engine, 5 * SECOND);

        assertThat(ends).containsExactly("second:500", "first:ok");
        assertThat(second.endedAt).isEqualTo(100 * MS);
        assertThat(first.endedAt).isEqualTo(1_000 * MS);
        assertThat(engine.stats().failed()).isEqualTo(1);
        assertThat(engine.stats().inUse()).isZero();

        // Negative control: a limit longer than the wait lets the second request through after the first.
        CapacityEngine patient = new CapacityEngine(poolOnly(1, 1_000, 2_000), 1);
        List<String> patientEnds = new ArrayList<>();
        patient.submit(CapacityEngine.Kind.READ, 0, new Log(patient, "first", patientEnds));
        patient.submit(CapacityEngine.Kind.READ, 0, new Log(patient, "second", patientEnds));
        runUntil(patient, 5 * SECOND);
        assertThat(patientEnds).containsExactly("first:ok", "second:ok");
    }

    @Test
    void theServerCostCapsThroughputWhateverTheConcurrency() {
        CapacityModel model = CapacityModel.logto().withCreateCost(Duration.ofMillis(10));
        Loop eight = closedLoop(model, CapacityEngine.Kind.CREATE, 8, 10);
        Loop sixteen = closedLoop(model, CapacityEngine.Kind.CREATE, 16, 10);
        assertThat(eight.admitted()).isBetween(950L, 1_010L);
        assertThat(sixteen.admitted()).isBetween(950L, 1_010L);
        assertThat(eight.failed() + sixteen.failed()).isZero();

        // Negative control: half the cost, twice the throughput.
        Loop cheaper = closedLoop(model.withCreateCost(Duration.ofMillis(5)), CapacityEngine.Kind.CREATE, 8, 10);
        assertThat(cheaper.admitted()).isBetween(1_900L, 2_010L);
    }

    @Test
    void theLogtoModelHoldsItsPlateauUpTo32CreatesAndCollapsesAt64() {
        CapacityModel logto = CapacityModel.logto();
        for (int concurrency : new int[] {4, 16, 32}) {
            Loop loop = closedLoop(logto, CapacityEngine.Kind.CREATE, concurrency, 20);
            assertThat(loop.admitted() / 20.0)
                    .as("creates/s at %d", concurrency)
                    .isBetween(150.0, 165.0);
            assertThat(loop.failed()).as("500s at %d", concurrency).isZero();
        }
        Loop overloaded = closedLoop(logto, CapacityEngine.Kind.CREATE, 64, 20);
        // Every connection held by a transaction waiting for a second one: waits run out, almost nothing succeeds.
        assertThat(overloaded.admitted() / 20.0).isLessThan(30.0);
        assertThat(overloaded.failed()).isGreaterThan(50);
        assertThat(overloaded.peakInUse()).isEqualTo(20);

        // Negative control: the same load of single-query writes (no transaction holding a connection) does not
        // collapse; it only queues.
        Loop writes = closedLoop(logto.withWriteCost(logto.createCost()), CapacityEngine.Kind.WRITE, 64, 20);
        assertThat(writes.failed()).isZero();
        assertThat(writes.admitted() / 20.0).isGreaterThan(150.0);
    }

    @Test
    void aLargerPoolGrantsWaitersAtOnceAndASmallerOneStopsNewGrants() {
        CapacityEngine engine = new CapacityEngine(poolOnly(1, 1_000, 10_000), 1);
        List<String> ends = new ArrayList<>();
        List<Log> logs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Log log = new Log(engine, "r" + i, ends);
            logs.add(log);
            engine.submit(CapacityEngine.Kind.READ, 0, log);
        }
        engine.reconfigure(poolOnly(3, 1_000, 10_000), 10 * MS);
        runUntil(engine, 10 * SECOND);
        // r1 and r2 got a connection at 10 ms, when the pool grew.
        assertThat(logs.get(2).endedAt).isEqualTo(1_010 * MS);

        CapacityEngine shrinking = new CapacityEngine(poolOnly(3, 1_000, 10_000), 1);
        List<Log> more = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Log log = new Log(shrinking, "s" + i, new ArrayList<>());
            more.add(log);
            shrinking.submit(CapacityEngine.Kind.READ, 0, log);
        }
        shrinking.reconfigure(poolOnly(1, 1_000, 10_000), 10 * MS);
        runUntil(shrinking, 10 * SECOND);
        // The three holders keep their connections; the fourth gets one only when use drops below the new size.
        assertThat(more.get(3).endedAt).isEqualTo(2_000 * MS);
    }

    @Test
    void halvingTheModelHalvesThroughputUntilItIsRestored() {
        CapacityModel full = CapacityModel.logto();
        CapacityEngine engine = new CapacityEngine(full, 3);
        long[] counts = new long[2];
        long end = 30 * SECOND;
        for (int i = 0; i < 8; i++) {
            client(engine, CapacityEngine.Kind.CREATE, i * 3 * MS, end, counts);
        }
        runUntil(engine, 10 * SECOND);
        long firstTen = counts[0];
        engine.reconfigure(full.scaled(0.5), 10 * SECOND);
        runUntil(engine, 20 * SECOND);
        long secondTen = counts[0] - firstTen;
        engine.reconfigure(full, 20 * SECOND);
        runUntil(engine, 30 * SECOND);
        long thirdTen = counts[0] - firstTen - secondTen;

        assertThat(firstTen).isBetween(1_500L, 1_650L);
        assertThat(secondTen).isBetween(750L, 830L);
        assertThat(thirdTen).isBetween(1_500L, 1_650L);
        assertThat(counts[1]).isZero();
    }

    @Test
    void drainingLetsEveryRequestInProgressThrough() {
        CapacityEngine engine = new CapacityEngine(poolOnly(1, 1_000, 10_000), 1);
        List<String> ends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            engine.submit(CapacityEngine.Kind.READ, 0, new Log(engine, "r" + i, ends));
        }
        engine.drain();
        assertThat(ends).containsExactlyInAnyOrder("r0:ok", "r1:ok", "r2:ok");
        assertThat(engine.nextEventAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(engine.stats().inUse()).isZero();
    }
}
