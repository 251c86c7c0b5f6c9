package dev.logtocp.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A wall-clock profiler for a few named threads: every few milliseconds it takes their stacks and counts the
 * top frames, whether the thread runs, waits or is parked. JFR's execution samples see only threads on a CPU,
 * and the question here is usually what a thread waits for. Enabled with {@code --sample-threads REGEX}.
 */
final class StackSampler {
    private final Pattern threads;
    private final int depth;
    private final Map<String, Integer> counts = new HashMap<>();
    private volatile boolean running;
    private Thread sampler;
    private int samples;

    StackSampler(String threadRegex, int depth) {
        this.threads = Pattern.compile(threadRegex);
        this.depth = depth;
    }

    void start() {
        running = true;
        sampler = new Thread(this::loop, "bench-stack-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            for (Map.Entry<Thread, StackTraceElement[]> e :
                    Thread.getAllStackTraces().entrySet()) {
                if (threads.matcher(e.getKey().getName()).find()) {
                    record(
                            e.getKey().getName().replaceAll("[0-9]+", "#"),
                            e.getKey().getState(),
                            e.getValue());
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private synchronized void record(String thread, Thread.State state, StackTraceElement[] stack) {
        StringBuilder key = new StringBuilder(thread).append(" [").append(state).append("] ");
        int shown = 0;
        for (StackTraceElement f : stack) {
            // Skip JDK plumbing at the top so the frames say which library call is waiting.
            if (shown == 0
                    && (f.getClassName().startsWith("java.")
                            || f.getClassName().startsWith("jdk.")
                            || f.getClassName().startsWith("sun."))) {
                continue;
            }
            key.append(shown == 0 ? "" : " < ")
                    .append(simple(f.getClassName()))
                    .append('.')
                    .append(f.getMethodName());
            if (++shown == depth) {
                break;
            }
        }
        counts.merge(key.toString(), 1, Integer::sum);
        samples++;
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Stops and returns the most frequent stacks with their share of samples per thread group. */
    synchronized Map<String, Double> stop(int top) {
        running = false;
        sampler.interrupt();
        Map<String, Integer> perThread = new HashMap<>();
        counts.forEach((k, v) -> perThread.merge(k.substring(0, k.indexOf(" [")), v, Integer::sum));
        Map<String, Double> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.put(
                        e.getKey(),
                        Math.round(1000.0
                                        * e.getValue()
                                        / perThread.get(e.getKey()
                                                .substring(0, e.getKey().indexOf(" ["))))
                                / 10.0));
        counts.clear();
        samples = 0;
        return out;
    }
}
