package dev.logtocp.bench;

import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.simulator.CapacityModel;
import dev.logtocp.topics.TopicContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One system against the simulator's capacity model (a Logto whose database pool collapses into 500s when it is
 * pushed too hard): a backlog larger than the run can finish, capacity halved at a third of the run and restored
 * at two thirds. Reports the outcomes per second (SUCCEEDED and FAILED alike: throughput is what Logto got done),
 * the 500s the model answered in each third, and how long each change took to settle.
 *
 * <p>Settling is measured against the model's nominal create rate ({@code 1 / createCost}, the serial server's
 * ceiling, which no concurrency can beat): the first second after the change from which every 3-second average
 * to the end of that third stays at or above 90 % of it, or -1 if none does.
 */
final class CapacityProbe {
    private CapacityProbe() {}

    static JsonObject run(
            BenchEnvironment env,
            Supplier<SystemUnderTest> factory,
            Scenario scenario,
            CapacityModel model,
            int seconds)
            throws InterruptedException {
        String runId = "cap" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        double nominal = 1e9 / model.createCost().toNanos();
        int third = seconds / 3;
        env.simulator.reset();
        env.simulator.setLatency(0);
        env.simulator.setCapacity(model.toJson().encode());
        TopicContract topics = env.topicsFor(runId);
        SystemUnderTest system = factory.get();
        String name = system.name();
        JsonObject result = new JsonObject()
                .put("system", name)
                .put("concurrency", scenario.concurrency())
                .put("keys", scenario.keys())
                .put("model", model.toJson())
                .put("nominalCreatesPerSecond", nominal)
                .put("seconds", 3 * third)
                .put("loadAverageBefore", ResourceMeter.loadAverage());
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
                LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys());
                system) {
            system.start(new SystemUnderTest.RunContext(env, topics, scenario, runId));
            Phase warm = new Phase("warm", 50);
            watcher.watch(warm);
            load.send(warm, 0);
            if (!warm.await(120_000)) {
                return result.put("error", "warm-up incomplete: " + warm.arrived() + "/50");
            }
            long failedBefore = env.simulator.capacityFailures();
            int n = (int) Math.min(scenario.n(), nominal * 3 * third * 1.3 + 500);
            Phase burst = new Phase("burst", n);
            watcher.watch(burst);
            load.send(burst, 0);
            long t0 = burst.firstSent();
            long[] failures = new long[4];
            failures[0] = failedBefore;
            JsonArray limits = new JsonArray();
            for (int s = 1; s <= 3 * third; s++) {
                sleepUntil(t0 + s * 1000L);
                if (system instanceof ProcessorSystem p) {
                    limits.add(p.metric(ProcessorMetrics.LOGTO_CONCURRENCY_LIMIT));
                }
                if (s == third || s == 2 * third || s == 3 * third) {
                    failures[s / third] = env.simulator.capacityFailures();
                    if (s == third) {
                        env.simulator.setCapacity(model.scaled(0.5).toJson().encode());
                    } else if (s == 2 * third) {
                        env.simulator.setCapacity(model.toJson().encode());
                    }
                }
            }
            result.put("limitPerSecond", limits);
            int[] perSecond = burst.arrivalsPerSecond(t0, 3 * third);
            JsonArray timeline = new JsonArray();
            Arrays.stream(perSecond).forEach(timeline::add);
            result.put("perSecond", timeline)
                    .put("full", steady(perSecond, third - 10, third))
                    .put("halved", steady(perSecond, 2 * third - 10, 2 * third))
                    .put("restored", steady(perSecond, 3 * third - 10, 3 * third))
                    .put("settleAfterHalvingS", settle(perSecond, third, 2 * third, 0.9 * nominal / 2))
                    .put("settleAfterRestoreS", settle(perSecond, 2 * third, 3 * third, 0.9 * nominal))
                    .put("answers500Full", failures[1] - failures[0])
                    .put("answers500Halved", failures[2] - failures[1])
                    .put("answers500Restored", failures[3] - failures[2])
                    .put("outcomes", burst.arrived())
                    .put("failedOutcomes", burst.failed());
            if (system instanceof ProcessorSystem p) {
                result.put("breakerOpens", p.metric(ProcessorMetrics.BREAKER_OPENS));
            }
        } finally {
            env.simulator.clearCapacity();
            env.dropTopics(topics);
        }
        result.put("loadAverageAfter", ResourceMeter.loadAverage());
        BenchRunner.say(name + " capacity " + model.toJson().encode() + " C=" + scenario.concurrency() + ": "
                + result.encode());
        return result;
    }

    /** Median outcomes per second over [from, to). */
    private static double steady(int[] perSecond, int from, int to) {
        int[] span = Arrays.copyOfRange(perSecond, Math.max(0, from), to);
        Arrays.sort(span);
        return span.length == 0 ? 0 : span[span.length / 2];
    }

    private static int settle(int[] perSecond, int change, int end, double threshold) {
        for (int s = change; s + 3 <= end; s++) {
            boolean holds = true;
            for (int t = s; t + 3 <= end && holds; t++) {
                holds = (perSecond[t] + perSecond[t + 1] + perSecond[t + 2]) / 3.0 >= threshold;
            }
            if (holds) {
                return s - change;
            }
        }
        return -1;
    }

    private static void sleepUntil(long millis) throws InterruptedException {
        long left = millis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
