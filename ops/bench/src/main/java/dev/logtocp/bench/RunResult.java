package dev.logtocp.bench;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one system on one scenario. Throughput, CPU and burst latencies come from the burst phase (all
 * commands sent at once, so the system is saturated); the latency percentiles proper come from the paced phase
 * (open-loop load at half the burst throughput), which is what a user sees under normal load. CPU per 1,000
 * commands: {@code cpuSecondsPer1k} is the system under test alone (bench JVM minus harness threads),
 * {@code processCpuSecondsPer1k} the whole bench JVM, broker and simulator their child JVMs, and machine the bench
 * JVM plus both children (-1 where the OS did not report a child's CPU).
 */
record RunResult(
        String system,
        Scenario scenario,
        int burstCommands,
        double throughput,
        double burstSeconds,
        long burstP50,
        long burstP99,
        double pacedRate,
        int pacedCommands,
        long p50,
        long p95,
        long p99,
        double cpuSecondsPer1k,
        double processCpuSecondsPer1k,
        double brokerCpuSecondsPer1k,
        double simulatorCpuSecondsPer1k,
        double machineCpuSecondsPer1k,
        long peakHeapBytes,
        int failed,
        int duplicates,
        boolean complete,
        double loadBefore,
        double loadAfter,
        String note,
        Map<String, Double> burstTopThreads) {

    /** What this system could do at best: min(C, K) / L, or 1 / L for the one-at-a-time naive consumer. */
    double bound() {
        return system.equals("naive") ? 1000.0 / Math.max(1, scenario.latencyMs()) : scenario.boundPerSecond();
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("system", system)
                .put("n", scenario.n())
                .put("concurrency", scenario.concurrency())
                .put("latencyMs", scenario.latencyMs())
                .put("keys", scenario.keys())
                .put("boundPerSecond", round(bound()))
                .put("burstCommands", burstCommands)
                .put("throughputPerSecond", round(throughput))
                .put("burstSeconds", round(burstSeconds))
                .put("burstLatencyP50Ms", burstP50)
                .put("burstLatencyP99Ms", burstP99)
                .put("pacedRatePerSecond", round(pacedRate))
                .put("pacedCommands", pacedCommands)
                .put("latencyP50Ms", p50)
                .put("latencyP95Ms", p95)
                .put("latencyP99Ms", p99)
                .put("cpuSecondsPer1000", round(cpuSecondsPer1k))
                .put("processCpuSecondsPer1000", round(processCpuSecondsPer1k))
                .put("brokerCpuSecondsPer1000", round(brokerCpuSecondsPer1k))
                .put("simulatorCpuSecondsPer1000", round(simulatorCpuSecondsPer1k))
                .put("machineCpuSecondsPer1000", round(machineCpuSecondsPer1k))
                .put("peakHeapMiB", round(peakHeapBytes / 1048576.0))
                .put("failedOutcomes", failed)
                .put("duplicateOutcomes", duplicates)
                .put("complete", complete)
                .put("loadAverageBefore", round(loadBefore))
                .put("loadAverageAfter", round(loadAfter))
                .put("note", note)
                .put("burstTopThreadsCpuSeconds", new JsonObject(new LinkedHashMap<String, Object>(burstTopThreads)));
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
