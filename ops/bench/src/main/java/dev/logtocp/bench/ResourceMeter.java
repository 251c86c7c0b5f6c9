package dev.logtocp.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time and heap of this JVM over a measured window, plus the CPU time of the broker and simulator child JVMs.
 * This JVM's CPU is the process's CPU time ({@code com.sun.management.OperatingSystemMXBean.getProcessCpuTime})
 * minus what the load harness's own threads used (the sending thread, the outcome watcher, the load producer's
 * I/O thread), so that what is left is the system under test. The schema registry is in this JVM and is charged
 * to the system, but after the first records it is idle. The children's CPU
 * ({@link ProcessHandle.Info#totalCpuDuration}, clock-tick resolution) is read too, because each system also
 * makes the broker and Logto work, and not equally: one that spends less of its own CPU by keeping the broker
 * busier is not cheaper to run. Heap is the highest used-heap sample (every 20 ms) of this JVM, harness
 * included: its per-command arrays are a few MB at most. The busiest thread groups (CPU seconds of live threads,
 * numbers in names folded) say where the time went; JVM-internal threads (GC, JIT) are not Java threads and show
 * only in the process figure.
 */
final class ResourceMeter {
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Predicate<Thread> harness;
    private final long brokerPid;
    private final long simulatorPid;
    private final Map<Long, Long> harnessStart = new HashMap<>();
    private final Map<Long, Long> allStart = new HashMap<>();
    private long processStart;
    private long brokerStart;
    private long simulatorStart;
    private volatile long peakHeap;
    private volatile boolean sampling;
    private Thread sampler;

    /**
     * @param harness      which threads belong to the load harness (matched by the caller, usually by name)
     * @param brokerPid    the broker child JVM
     * @param simulatorPid the Logto simulator child JVM
     */
    ResourceMeter(Predicate<Thread> harness, long brokerPid, long simulatorPid) {
        this.harness = harness;
        this.brokerPid = brokerPid;
        this.simulatorPid = simulatorPid;
    }

    void start() {
        // A collection first, so the peak reflects this window and not garbage from the last run.
        System.gc();
        harnessStart.clear();
        allStart.clear();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = Math.max(0, threads.getThreadCpuTime(t.threadId()));
            allStart.put(t.threadId(), cpu);
            if (harness.test(t)) {
                harnessStart.put(t.threadId(), cpu);
            }
        }
        brokerStart = cpuNanos(brokerPid);
        simulatorStart = cpuNanos(simulatorPid);
        processStart = os.getProcessCpuTime();
        peakHeap = memory.getHeapMemoryUsage().getUsed();
        sampling = true;
        sampler = new Thread(
                () -> {
                    while (sampling) {
                        peakHeap =
                                Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Stops the window. Call while the harness threads are still alive. */
    Reading stop() {
        long process = os.getProcessCpuTime() - processStart;
        double broker = secondsSince(brokerPid, brokerStart);
        double simulator = secondsSince(simulatorPid, simulatorStart);
        long harnessCpu = 0;
        Map<String, Long> byGroup = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long now = threads.getThreadCpuTime(t.threadId());
            if (now <= 0) {
                continue;
            }
            long used = now - allStart.getOrDefault(t.threadId(), 0L);
            // Thread pools number their threads; group them so the top list names pools, not single threads.
            byGroup.merge(t.getName().replaceAll("[0-9]+", "#"), used, Long::sum);
            if (harness.test(t) || t == sampler) {
                harnessCpu += now - harnessStart.getOrDefault(t.threadId(), 0L);
            }
        }
        sampling = false;
        sampler.interrupt();
        Map<String, Double> top = new LinkedHashMap<>();
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() / 1e7) / 100.0));
        return new Reading(process / 1e9, harnessCpu / 1e9, broker, simulator, peakHeap, top);
    }

    /** Total CPU time of a process so far, or -1 when the OS does not tell (or the process is gone). */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid)
                .flatMap(p -> p.info().totalCpuDuration())
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    private static double secondsSince(long pid, long startNanos) {
        long now = cpuNanos(pid);
        return now < 0 || startNanos < 0 ? -1 : (now - startNanos) / 1e9;
    }

    /**
     * CPU seconds in the window: the whole bench process, its harness threads, the broker and the simulator
     * children (-1 each when unknown); and this JVM's peak used heap.
     */
    record Reading(
            double processCpuSeconds,
            double harnessCpuSeconds,
            double brokerCpuSeconds,
            double simulatorCpuSeconds,
            long peakHeapBytes,
            Map<String, Double> topThreads) {
        double systemCpuSeconds() {
            return Math.max(0, processCpuSeconds - harnessCpuSeconds);
        }

        /** Bench JVM (system under test and harness) plus broker plus simulator; -1 when a child's is unknown. */
        double machineCpuSeconds() {
            return brokerCpuSeconds < 0 || simulatorCpuSeconds < 0
                    ? -1
                    : processCpuSeconds + brokerCpuSeconds + simulatorCpuSeconds;
        }
    }

    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
