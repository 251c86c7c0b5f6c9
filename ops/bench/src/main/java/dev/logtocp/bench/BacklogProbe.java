package dev.logtocp.bench;

import dev.logtocp.topics.TopicContract;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Peak heap with a large backlog: {@code backlog} commands are written before the processor starts, so it meets
 * them all at once and has to rely on {@code MAX_BUFFERED_RECORDS} (partitions paused past it) to bound its
 * memory. Heap is sampled in this JVM while the processor works through the backlog (or for at most
 * {@code seconds}); the harness's own share is the watcher's two long arrays per command.
 */
final class BacklogProbe {
    private BacklogProbe() {
    }

    static JsonObject run(BenchEnvironment env, Scenario scenario, int backlog, double seconds,
                          Map<String, String> overrides) throws InterruptedException {
        String runId = "bl" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        TopicContract topics = env.topicsFor(runId);
        env.simulator.reset();
        env.simulator.setLatency(scenario.latencyMs());
        Phase phase = new Phase("backlog", backlog);
        ResourceMeter meter = new ResourceMeter(t -> false, env.broker.pid(), env.simulator.pid());
        ProcessorSystem processor = new ProcessorSystem(overrides);
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
             LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys())) {
            watcher.watch(phase);
            load.send(phase, 0);
            BenchRunner.say("backlog: " + backlog + " commands written; starting the processor");
            meter.start();
            processor.start(new SystemUnderTest.RunContext(env, topics, scenario, runId));
            boolean done = phase.await((long) (seconds * 1000));
            ResourceMeter.Reading reading = meter.stop();
            JsonObject result = new JsonObject()
                    .put("scenario", scenario.label())
                    .put("backlog", backlog)
                    .put("processedInWindow", phase.arrived())
                    .put("drained", done)
                    .put("windowSeconds", seconds)
                    .put("peakHeapMiB", RunResult.round(reading.peakHeapBytes() / 1048576.0))
                    .put("processorEnv", new JsonObject(new HashMap<>(overrides)));
            BenchRunner.say(String.format("backlog: %d of %d done, peak heap %.0f MiB", phase.arrived(), backlog,
                    reading.peakHeapBytes() / 1048576.0));
            return result;
        } finally {
            processor.close();
            env.dropTopics(topics);
        }
    }
}
