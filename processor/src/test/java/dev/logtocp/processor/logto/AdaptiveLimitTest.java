package dev.logtocp.processor.logto;

import static dev.logtocp.processor.logto.LimitSimulation.MS;
import static dev.logtocp.processor.logto.LimitSimulation.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The adaptive limit against simulated servers in virtual time ({@link LimitSimulation}): Logto's database pool
 * (20 connections, 125 ms per call, 500 after a 5 s wait: about 160 calls/s, as measured), the same 10x larger,
 * the benchmark's unlimited simulator, an outage, and random faults. Each scenario has a fixed limit beside it
 * that shows the simulation can fail.
 */
class AdaptiveLimitTest {

    private static AdaptiveLimit adaptive() {
        return new AdaptiveLimit(1, 8, 256, 0);
    }

    @Test
    void findsThePoolsCapacityWithoutQueueingIntoIts500s() {
        LimitSimulation.Pool pool = new LimitSimulation.Pool(20, 125 * MS, 5 * S);
        LimitSimulation sim = new LimitSimulation(adaptive(), pool);
        sim.runUntil(5 * S);
        sim.resetLimitStats();

        double rate = sim.runUntil(35 * S);

        assertThat(rate).as("calls/s against a capacity of 160/s").isGreaterThan(0.95 * 160);
        assertThat(pool.answered500).isZero();
        assertThat(sim.averageLimit()).as("near the 20 workers, far below 256").isBetween(20.0, 45.0);
    }

    @Test
    void aFixedLimitOf256QueuesIntoThePoolsWaitLimit() {
        // Negative control: with a 1 s wait limit the same pool answers 500 to a fixed 256, so "no 500s" above
        // is a property of the limit, not of the simulation.
        LimitSimulation.Pool pool = new LimitSimulation.Pool(20, 125 * MS, 1 * S);
        LimitSimulation sim = new LimitSimulation(ConcurrencyLimit.fixed(256), pool);
        sim.runUntil(20 * S);
        assertThat(pool.answered500).isGreaterThan(1000);

        LimitSimulation.Pool guarded = new LimitSimulation.Pool(20, 125 * MS, 1 * S);
        LimitSimulation adaptiveSim = new LimitSimulation(adaptive(), guarded);
        adaptiveSim.runUntil(20 * S);
        assertThat(guarded.answered500)
                .as("the adaptive limit keeps waits under 1 s")
                .isZero();
    }

    @Test
    void keepsAServerThatDoesOneThingAtATimeBusyThroughTheClientsTurnaround() {
        // Logto's event loop: one call at a time, 6.25 ms each (160/s), latency growing from the first call in
        // flight; the client needs 5 ms between a permit and the request arriving. One call at a time leaves the
        // server idle during that turnaround (the control); a handful keeps it busy, and more only queue.
        LimitSimulation control = new LimitSimulation(
                        ConcurrencyLimit.fixed(1), new LimitSimulation.Pool(1, 6_250_000L, 5 * S))
                .withClientOverhead(5 * MS);
        assertThat(control.runUntil(20 * S)).isLessThan(0.9 * 160);

        LimitSimulation.Pool server = new LimitSimulation.Pool(1, 6_250_000L, 5 * S);
        LimitSimulation sim = new LimitSimulation(adaptive(), server).withClientOverhead(5 * MS);
        sim.runUntil(5 * S);
        sim.resetLimitStats();

        double rate = sim.runUntil(35 * S);

        assertThat(rate).isGreaterThan(0.9 * 160);
        assertThat(sim.averageLimit()).as("a few calls, not 256").isLessThan(12);
        assertThat(server.answered500).isZero();
    }

    @Test
    void usesATenTimesLargerPoolUpToTheCeiling() {
        LimitSimulation.Pool pool = new LimitSimulation.Pool(200, 125 * MS, 5 * S);
        LimitSimulation sim = new LimitSimulation(adaptive(), pool);
        sim.runUntil(5 * S);

        double rate = sim.runUntil(35 * S);

        assertThat(rate).isGreaterThan(0.95 * 1600);
        assertThat(pool.answered500).isZero();
    }

    @Test
    void settlesWithinTenSecondsWhenThePoolIsHalvedAndWhenItIsRestored() {
        LimitSimulation.Pool pool = new LimitSimulation.Pool(20, 125 * MS, 5 * S);
        LimitSimulation sim = new LimitSimulation(adaptive(), pool);
        sim.runUntil(30 * S);

        pool.setWorkers(sim, 10);
        sim.runUntil(40 * S);
        double halved = sim.runUntil(60 * S);
        pool.setWorkers(sim, 20);
        sim.runUntil(70 * S);
        double restored = sim.runUntil(90 * S);

        assertThat(halved).as("new capacity 80/s").isGreaterThan(0.9 * 80);
        assertThat(restored).isGreaterThan(0.9 * 160);
        assertThat(pool.answered500).isZero();
    }

    @Test
    void relearnsItsBaselineWhenLogtoItselfGetsSlower() {
        // Halving by service time: every call now takes twice as long even at no load. The old baseline would hold
        // the limit at the floor; the probe measures the new one.
        LimitSimulation.Pool pool = new LimitSimulation.Pool(20, 125 * MS, 5 * S);
        AdaptiveLimit limit = adaptive();
        LimitSimulation sim = new LimitSimulation(limit, pool);
        sim.runUntil(30 * S);
        long before = limit.baseNanos();

        pool.setService(250 * MS);
        sim.runUntil(40 * S);
        double slower = sim.runUntil(60 * S);

        assertThat(limit.baseNanos()).isGreaterThan(before * 3 / 2);
        assertThat(slower).as("new capacity 80/s").isGreaterThan(0.9 * 80);
        assertThat(pool.answered500).isZero();
    }

    @Test
    void climbsToTheCeilingOnAServerWithoutCapacityLimit() {
        // The benchmark's simulator at L=20 ms: latency grows only by the client's own work (12 us per call in
        // flight, about 3 ms at 256), which the tolerance must not take for queueing.
        AdaptiveLimit limit = adaptive();
        LimitSimulation sim = new LimitSimulation(limit, new LimitSimulation.FixedLatency(20 * MS, 12_000, 0));
        sim.runUntil(2 * S);
        assertThat(limit.limit()).as("from 8 to the ceiling within two seconds").isEqualTo(256);
        sim.resetLimitStats();

        double rate = sim.runUntil(62 * S);

        assertThat(sim.averageLimit())
                .as("at the ceiling but for the short probes")
                .isGreaterThan(0.97 * 256);
        assertThat(rate).as("256 calls of about 24 ms").isGreaterThan(0.97 * 256 / 0.024);
    }

    @Test
    void startUpDoublesPerWindowSoABurstIsNotSpentRamping() {
        // The benchmark's scenario: a fresh instance, a backlog, an unlimited Logto at L=20 ms. From the default
        // start of 4, 256 is six doublings away.
        AdaptiveLimit limit = new AdaptiveLimit(1, 4, 256, 0);
        LimitSimulation sim = new LimitSimulation(limit, new LimitSimulation.FixedLatency(20 * MS, 12_000, 0));

        double firstSecond = sim.runUntil(S);

        assertThat(limit.limit()).isEqualTo(256);
        assertThat(firstSecond)
                .as("most of the first second near the ceiling (without start-up: 68 calls after 1 s)")
                .isGreaterThan(0.6 * 256 / 0.024);
    }

    @Test
    void startUpEndsNearThePoolWithoutA500AndWithoutLingeringAboveIt() {
        LimitSimulation.Pool pool = new LimitSimulation.Pool(20, 125 * MS, 5 * S);
        AdaptiveLimit limit = new AdaptiveLimit(1, 4, 256, 0);
        LimitSimulation sim = new LimitSimulation(limit, pool);

        sim.runUntil(2 * S);

        assertThat(limit.inStartup()).as("the rate stopped growing").isFalse();
        assertThat(sim.maxInFlightSeen())
                .as("start-up overshoots, but not to the ceiling")
                .isLessThan(128);
        assertThat(limit.limit()).as("drained to the steady target at once").isLessThanOrEqualTo(45);
        assertThat(pool.answered500).isZero();
    }

    @Test
    void randomFaultsBelowTheDropThresholdDoNotHoldTheLimitDown() {
        // ChaosIT's mix: about 8 % of calls fail at once (503, 429, resets), independent of load.
        AdaptiveLimit limit = adaptive();
        LimitSimulation sim = new LimitSimulation(limit, new LimitSimulation.FixedLatency(20 * MS, 12_000, 0.08));
        sim.runUntil(2 * S);
        sim.resetLimitStats();

        sim.runUntil(62 * S);

        assertThat(sim.averageLimit()).isGreaterThan(0.9 * 256);
    }

    @Test
    void anOutageTakesTheLimitToItsFloorSoTheBreakerCanJudge() {
        AdaptiveLimit limit = new AdaptiveLimit(1, 200, 256, 0);
        LimitSimulation sim = new LimitSimulation(limit, new LimitSimulation.Down());

        sim.runUntil(1 * S);

        assertThat(limit.limit()).isEqualTo(1);
        assertThat(limit.canShrink()).isFalse();
    }

    @Test
    void aProbeEndsEvenWhenNothingItCouldMeasureComesBack() {
        AdaptiveLimit limit = new AdaptiveLimit(1, 64, 256, 0);
        LimitSimulation sim = new LimitSimulation(limit, new LimitSimulation.FixedLatency(20 * MS, 0, 0));
        sim.runUntil(11 * S);
        long now = sim.now();
        while (!limit.probing() && now < 30 * S) {
            now += MS;
            limit.onSample(now, 20 * MS, false, limit.limit() - 1);
        }
        assertThat(limit.probing()).isTrue();

        limit.onIgnored(now + AdaptiveLimit.PROBE_GIVE_UP_NANOS, 200);

        assertThat(limit.probing())
                .as("refused connections only, yet the probe gives up")
                .isFalse();
    }

    @Test
    void anIdleLimitDoesNotGrow() {
        AdaptiveLimit limit = adaptive();
        long now = 0;
        for (int i = 0; i < 1000; i++) {
            now += 10 * MS;
            limit.onSample(now, 20 * MS, false, 0);
        }
        assertThat(limit.limit())
                .as("one call at a time never proves the server can take 256")
                .isLessThanOrEqualTo(8);
    }

    @Test
    void neverLeavesItsBounds() {
        AdaptiveLimit limit = new AdaptiveLimit(3, 5, 40, 0);
        long now = 0;
        for (int i = 0; i < 10_000; i++) {
            now += MS;
            boolean drop = (i / 500) % 2 == 0;
            limit.onSample(now, drop ? 5 * S : MS, drop, limit.limit() - 1);
            assertThat(limit.limit()).isBetween(3, 40);
        }
    }

    @Test
    void refusesInconsistentBounds() {
        assertThatThrownBy(() -> new AdaptiveLimit(0, 1, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdaptiveLimit(5, 4, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AdaptiveLimit(1, 11, 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
