package dev.logtocp.bench;

/**
 * One point of the sweep: {@code n} commands over {@code keys} distinct record keys, at most {@code concurrency}
 * commands executing at once, every Logto call taking {@code latencyMs}.
 */
record Scenario(int n, int concurrency, int latencyMs, int keys) {

    /** The best any keyed system can do: min(C, K) calls in flight, each taking L. */
    double boundPerSecond() {
        return Math.min(concurrency, keys) * 1000.0 / Math.max(1, latencyMs);
    }

    String label() {
        return "C=" + concurrency + " L=" + latencyMs + "ms K=" + keys;
    }
}
