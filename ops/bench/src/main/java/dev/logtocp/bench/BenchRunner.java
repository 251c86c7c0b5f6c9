package dev.logtocp.bench;

import dev.logtocp.topics.TopicContract;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs one system on one scenario: fresh topics, start the system, then three phases on the same instance:
 * a warm-up (JIT, token, group join; not measured), a burst of all commands at once (throughput, CPU, heap) and
 * a paced phase at half the burst throughput or a given rate (latency).
 */
final class BenchRunner {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final BenchEnvironment env;
    private final double pacedSeconds;
    private final double pacedRate;
    private final String sampleThreads;

    /** @param sampleThreads regex of thread names to stack-sample during bursts, or null for none */
    /** @param pacedRate commands/s of the paced phase; 0 or less: half the burst throughput */
    BenchRunner(BenchEnvironment env, double pacedSeconds, double pacedRate, String sampleThreads) {
        this.pacedRate = pacedRate;
        this.env = env;
        this.pacedSeconds = pacedSeconds;
        this.sampleThreads = sampleThreads;
    }

    /**
     * @param maxBurst cap on the burst size for systems whose ceiling is known to be low (the naive baseline),
     *                 so a sweep does not spend minutes confirming 1 / L
     */
    RunResult run(Supplier<SystemUnderTest> factory, Scenario scenario, int maxBurst) throws InterruptedException {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + RUNS.incrementAndGet();
        int burst = Math.min(scenario.n(), maxBurst);
        int warm = Math.min(500, Math.max(20, burst / 10));
        double loadBefore = ResourceMeter.loadAverage();
        env.simulator.reset();
        env.simulator.setLatency(scenario.latencyMs());
        TopicContract topics = env.topicsFor(runId);
        SystemUnderTest system = factory.get();
        String name = system.name();
        ResourceMeter meter = new ResourceMeter(
                t -> t.getName().equals(OutcomeWatcher.THREAD_NAME)
                        || t.getName().contains(LoadDriver.CLIENT_ID_PREFIX + runId)
                        || t == Thread.currentThread(),
                env.broker.pid(),
                env.simulator.pid());
        long timeoutPerPhase = (long) Math.max(60_000, 5_000.0 * burst / scenario.boundPerSecond() + 30_000);
        say(name + " " + scenario.label() + ": starting (run " + runId + ", burst " + burst + ")");
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
                LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys());
                system) {
            system.start(new SystemUnderTest.RunContext(env, topics, scenario, runId));

            Phase warmPhase = phase(watcher, "warm", warm);
            load.send(warmPhase, 0);
            if (!warmPhase.await(120_000)) {
                return incomplete(
                        name, scenario, burst, loadBefore, "warm-up incomplete: " + warmPhase.arrived() + "/" + warm);
            }

            Phase burstPhase = phase(watcher, "burst", burst);
            StackSampler sampler = sampleThreads == null ? null : new StackSampler(sampleThreads, 4);
            meter.start();
            if (sampler != null) {
                sampler.start();
            }
            load.send(burstPhase, 0);
            boolean burstDone = burstPhase.await(timeoutPerPhase);
            ResourceMeter.Reading burstReading = meter.stop();
            if (sampler != null) {
                say(name + " " + scenario.label() + ": where the sampled threads spent the burst (% of samples):");
                sampler.stop(25).forEach((stack, share) -> say(String.format("  %5.1f%%  %s", share, stack)));
            }
            say(String.format(
                    "%s %s: burst %d/%d in %.2f s = %.0f/s; CPU %.2f s (harness %.2f s, broker %.2f s, "
                            + "simulator %.2f s), busiest threads %s",
                    name,
                    scenario.label(),
                    burstPhase.arrived(),
                    burst,
                    burstPhase.elapsedSeconds(),
                    burstPhase.throughput(),
                    burstReading.processCpuSeconds(),
                    burstReading.harnessCpuSeconds(),
                    burstReading.brokerCpuSeconds(),
                    burstReading.simulatorCpuSeconds(),
                    burstReading.topThreads()));
            if (!burstDone) {
                return incomplete(
                        name, scenario, burst, loadBefore, "burst incomplete: " + burstPhase.arrived() + "/" + burst);
            }

            double rate = pacedRate > 0 ? pacedRate : burstPhase.throughput() / 2;
            int paced = (int) Math.min(scenario.n(), Math.max(50, rate * pacedSeconds));
            Phase pacedPhase = phase(watcher, "paced", paced);
            meter.start();
            load.send(pacedPhase, rate);
            boolean pacedDone = pacedPhase.await(timeoutPerPhase);
            ResourceMeter.Reading pacedReading = meter.stop();
            say(String.format(
                    "%s %s: paced %d at %.0f/s, p50 %d p99 %d ms",
                    name, scenario.label(), paced, rate, pacedPhase.percentile(0.5), pacedPhase.percentile(0.99)));

            double per1k = 1000.0 / burst;
            return new RunResult(
                    name,
                    scenario,
                    burst,
                    burstPhase.throughput(),
                    burstPhase.elapsedSeconds(),
                    burstPhase.percentile(0.5),
                    burstPhase.percentile(0.99),
                    rate,
                    paced,
                    pacedPhase.percentile(0.5),
                    pacedPhase.percentile(0.95),
                    pacedPhase.percentile(0.99),
                    burstReading.systemCpuSeconds() * per1k,
                    burstReading.processCpuSeconds() * per1k,
                    perThousand(burstReading.brokerCpuSeconds(), burst),
                    perThousand(burstReading.simulatorCpuSeconds(), burst),
                    perThousand(burstReading.machineCpuSeconds(), burst),
                    Math.max(burstReading.peakHeapBytes(), pacedReading.peakHeapBytes()),
                    warmPhase.failed() + burstPhase.failed() + pacedPhase.failed(),
                    warmPhase.duplicates() + burstPhase.duplicates() + pacedPhase.duplicates(),
                    pacedDone,
                    loadBefore,
                    ResourceMeter.loadAverage(),
                    pacedDone ? "" : "paced incomplete: " + pacedPhase.arrived() + "/" + paced,
                    burstReading.topThreads());
        } catch (RuntimeException e) {
            e.printStackTrace();
            return incomplete(name, scenario, burst, loadBefore, "error: " + e);
        } finally {
            env.dropTopics(topics);
        }
    }

    private static Phase phase(OutcomeWatcher watcher, String name, int count) {
        Phase phase = new Phase(name, count);
        watcher.watch(phase);
        return phase;
    }

    private static RunResult incomplete(String name, Scenario scenario, int burst, double loadBefore, String note) {
        say(name + " " + scenario.label() + ": " + note);
        return new RunResult(
                name,
                scenario,
                burst,
                0,
                0,
                -1,
                -1,
                0,
                0,
                -1,
                -1,
                -1,
                0,
                0,
                -1,
                -1,
                -1,
                0,
                0,
                0,
                false,
                loadBefore,
                ResourceMeter.loadAverage(),
                note,
                Map.of());
    }

    /** CPU seconds per 1,000 commands; an unknown figure (-1) stays unknown. */
    private static double perThousand(double seconds, int commands) {
        return seconds < 0 ? -1 : seconds * 1000.0 / commands;
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
