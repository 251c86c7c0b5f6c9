package dev.logtocp.bench;

import dev.logtocp.topics.TopicContract;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap with a large backlog: {@code backlog} commands are in the topic before the processor starts, so it meets
 * them all at once and has to rely on {@code MAX_BUFFERED_RECORDS} (partitions paused past it) to bound its
 * memory. The processor runs as a child JVM with a fixed maximum heap, so its heap is its own and not mixed with
 * the load writer's and the outcome watcher's; the figures come from its GC log. It works for at most
 * {@code seconds} (or until every outcome arrived) and is then stopped with SIGTERM.
 */
final class BacklogProbe {
    private BacklogProbe() {}

    static JsonObject run(
            BenchEnvironment env,
            Scenario scenario,
            int backlog,
            double seconds,
            String maxHeap,
            Map<String, String> overrides)
            throws InterruptedException {
        String runId = "bl" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        TopicContract topics = env.topicsFor(runId);
        env.simulator.reset();
        env.simulator.setLatency(scenario.latencyMs());
        Map<String, String> settings =
                ProcessorChild.settings(env, topics, "bench-backlog-" + runId, "bench-backlog", scenario, overrides);
        Path log = env.workDir().resolve("backlog-" + runId + ".log").toAbsolutePath();
        Path gcLog = env.workDir().resolve("backlog-" + runId + "-gc.log").toAbsolutePath();
        Phase phase = new Phase("backlog", backlog);
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
                LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys())) {
            watcher.watch(phase);
            long writeStart = System.nanoTime();
            load.send(phase, 0);
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            BenchRunner.say(String.format(
                    "backlog: %,d commands written in %.1f s; starting the processor (-Xmx%s)",
                    backlog, writeSeconds, maxHeap));
            ProcessorChild child = ProcessorChild.start(settings, maxHeap, List.of("-Xlog:gc:file=" + gcLog), log);
            int processed;
            boolean drained = false;
            boolean aliveAtEnd;
            Integer exitCode;
            long windowEnd;
            try {
                long deadline = child.launchedAtMillis() + (long) (seconds * 1000);
                // Ends early when the backlog is done, or when the child died (its log says why).
                while (!drained && child.isAlive() && System.currentTimeMillis() < deadline) {
                    drained = phase.await(Math.min(500, deadline - System.currentTimeMillis()));
                }
                windowEnd = System.currentTimeMillis();
                processed = phase.arrived();
                aliveAtEnd = child.isAlive();
                exitCode = child.exitCode();
            } finally {
                child.close();
            }
            double window = (windowEnd - child.launchedAtMillis()) / 1000.0;
            long firstOutcome = phase.firstArrival();
            GcLog.Summary gc = GcLog.read(gcLog);
            JsonObject result = new JsonObject()
                    .put("scenario", scenario.label())
                    .put("backlog", backlog)
                    .put("writeSeconds", RunResult.round(writeSeconds))
                    .put("maxHeap", maxHeap)
                    .put("windowLimitSeconds", seconds)
                    .put("windowSeconds", RunResult.round(window))
                    .put("processedInWindow", processed)
                    .put("commandsPerSecond", RunResult.round(processed / Math.max(0.001, window)))
                    .put("launchToFirstOutcomeMs", firstOutcome == 0 ? -1 : firstOutcome - child.launchedAtMillis())
                    .put("drained", drained)
                    .put("childAliveAtEnd", aliveAtEnd)
                    .put("childExitCode", exitCode)
                    .put("childOutOfMemoryError", ChildLog.sawOutOfMemoryError(log))
                    .mergeIn(gc.toJson())
                    .put("childLog", log.toString())
                    .put("gcLog", gcLog.toString())
                    .put("processorEnv", new JsonObject(new HashMap<>(overrides)))
                    .put(
                            "notes",
                            "The processor ran in a child JVM (dev.logtocp.processor.Main, G1, -Xmx" + maxHeap
                                    + ") started after all " + backlog
                                    + " commands were in the topic. The window runs from "
                                    + "launching that JVM (start-up, group join and state restore included) until every "
                                    + "outcome arrived, the child died, or windowLimitSeconds passed; commandsPerSecond = "
                                    + "processedInWindow / windowSeconds. Heap and pause figures come from the child's GC log "
                                    + "over its whole life, shutdown included; heapPeakUsedAfterGcMiB is an upper bound of "
                                    + "the live set.");
            BenchRunner.say(String.format(
                    "backlog: %,d of %,d done in %.1f s (%.0f/s); child %s; heap peak %.0f MiB "
                            + "before GC, %.0f MiB after, %.0f MiB committed, %d pauses (%d full)",
                    processed,
                    backlog,
                    window,
                    processed / Math.max(0.001, window),
                    aliveAtEnd ? "alive at end" : "exited with code " + exitCode,
                    gc.peakBeforeMiB(),
                    gc.peakAfterMiB(),
                    gc.peakCommittedMiB(),
                    gc.pauses(),
                    gc.fullPauses()));
            return result;
        } finally {
            env.dropTopics(topics);
        }
    }
}
