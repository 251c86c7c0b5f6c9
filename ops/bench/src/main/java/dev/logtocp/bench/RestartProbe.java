package dev.logtocp.bench;

import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.topics.TopicContract;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Restart time: the processor runs as a child JVM under steady paced load; it is killed with SIGKILL and a new one
 * started at once with the same settings (same instance id, so the same transactional id). The figure is the time
 * from the kill to the first outcome of a command the new instance read, which includes restoring the idempotency
 * ledger: before the first instance starts, the ledger topic is filled with {@code ledgerEntries} synthetic
 * entries ({@link LedgerPrefill}), standing in for that many commands processed before.
 *
 * <p>By default both instances use static group membership ({@code group.instance.id} = the instance id), so the
 * coordinator hands the dead member's partitions to its successor as soon as it joins; with the classic protocol
 * and dynamic membership it first waits for the dead member's session to time out.
 */
final class RestartProbe {
    private static final String HEAP = "512m";
    private static final String GROUP_INSTANCE_ID = "KAFKA_CLIENT_GROUP_INSTANCE_ID";

    private RestartProbe() {}

    /**
     * @param staticMembership set {@code KAFKA_CLIENT_GROUP_INSTANCE_ID} to the instance id, unless
     *                         {@code overrides} sets it
     */
    static JsonObject run(
            BenchEnvironment env,
            Scenario scenario,
            double rate,
            int ledgerEntries,
            boolean staticMembership,
            Map<String, String> overrides)
            throws InterruptedException {
        String runId = "rs" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        TopicContract topics = env.topicsFor(runId);
        env.simulator.reset();
        env.simulator.setLatency(scenario.latencyMs());
        Map<String, String> config =
                ProcessorChild.settings(env, topics, "bench-restart-" + runId, "bench-restart", scenario, overrides);
        if (staticMembership) {
            config.putIfAbsent(GROUP_INSTANCE_ID, config.get("PROCESSOR_INSTANCE_ID"));
        }
        JsonObject result = new JsonObject()
                .put("scenario", scenario.label())
                .put("rateCommandsPerSecond", rate)
                .put("ledgerEntries", ledgerEntries)
                .put("groupInstanceId", config.get(GROUP_INSTANCE_ID))
                .put("maxHeap", HEAP)
                .put("processorEnv", new JsonObject(new HashMap<>(overrides)))
                .put(
                        "notes",
                        "ledgerEntries: before the first instance started, the ledger topic was filled with "
                                + "that many LedgerEntry records written by the bench, in the processor's own key and wire "
                                + "format (SUCCEEDED UserCreate, decided now), a synthetic stand-in for that many previously "
                                + "processed commands; no outcome, audit or reference records stand behind them. Both "
                                + "instances restore all of them. killToFirstNewOutcomeMs = kill -9 of the first instance "
                                + "to the first outcome, seen by a read_committed reader, of a command the new instance read. "
                                + "Restore times are counted from launching the new JVM to its 'restored processor state' "
                                + "log lines (one per state partition with records). groupInstanceId null: dynamic "
                                + "membership (--restart-dynamic).");
        int count = (int) (rate * 240);
        Phase phase = new Phase("steady", count);
        try (OutcomeWatcher watcher = new OutcomeWatcher(env, topics.outcomes(), runId);
                LoadDriver load = new LoadDriver(env, topics.commands(), runId, scenario.keys())) {
            watcher.watch(phase);
            if (ledgerEntries > 0) {
                LedgerPrefill.write(ProcessorConfig.fromMap(config).kafka(), runId, ledgerEntries, env.partitions);
            }
            ProcessorChild first = start(env, config, runId, "a");
            result.put("firstInstanceLog", first.log().toString());
            Thread sender = new Thread(() -> load.send(phase, rate), "bench-restart-load");
            sender.setDaemon(true);
            sender.start();
            try {
                // The first instance restores the prefilled ledger too before it runs anything: allow for that.
                long steadyBy = System.currentTimeMillis() + 300_000;
                while (phase.arrived() < rate * 5 && first.isAlive() && System.currentTimeMillis() < steadyBy) {
                    Thread.sleep(100);
                }
                int before = phase.arrived();
                result.put("outcomesBeforeKill", before).put("steadyBeforeKill", before >= rate * 5);
                if (!first.isAlive()) {
                    result.put(
                            "error",
                            "the first instance exited (code " + first.exitCode() + ", OutOfMemoryError in its log: "
                                    + ChildLog.sawOutOfMemoryError(first.log()) + ") before the kill");
                    BenchRunner.say("restart: " + result.getString("error") + "; see " + first.log());
                    return result;
                }
                long killedAt = System.currentTimeMillis();
                watcher.mark(killedAt);
                first.kill();
                ProcessorChild second = start(env, config, runId, "b");
                try {
                    // Generous: the new instance restores the whole ledger before it runs anything.
                    long giveUp = killedAt + 300_000;
                    while (watcher.firstAfterMark() == 0 && second.isAlive() && System.currentTimeMillis() < giveUp) {
                        Thread.sleep(20);
                    }
                    long first2 = watcher.firstAfterMark();
                    // Let the new instance catch up for a moment so duplicates (if any) would show.
                    Thread.sleep(3_000);
                    result.put("killToNewLaunchMs", second.launchedAtMillis() - killedAt)
                            .put("killToFirstNewOutcomeMs", first2 == 0 ? -1 : first2 - killedAt)
                            .put("outcomesAfter3sCatchUp", phase.arrived())
                            .put("duplicateOutcomes", phase.duplicates())
                            .mergeIn(ChildLog.restore(second.log(), second.launchedAtMillis()))
                            .put("newInstanceAliveAtEnd", second.isAlive())
                            .put("newInstanceOutOfMemoryError", ChildLog.sawOutOfMemoryError(second.log()))
                            .put("newInstanceLog", second.log().toString());
                } finally {
                    second.close();
                }
                // Read once the child is gone: a restore short of heap shows as many (or full) pauses.
                Path secondGc = gcLog(second.log());
                result.put("newInstanceGc", GcLog.read(secondGc).toJson()).put("newInstanceGcLog", secondGc.toString());
                BenchRunner.say("restart: kill -9 to first new outcome " + result.getLong("killToFirstNewOutcomeMs")
                        + " ms (restore logged " + result.getLong("launchToFirstRestoredMs") + " to "
                        + result.getLong("launchToLastRestoredMs") + " ms after launch, "
                        + result.getLong("restoredLedgerRecords")
                        + " ledger records); duplicates seen by read_committed: "
                        + phase.duplicates());
                return result;
            } finally {
                first.close();
                load.stop();
                // The sender must be done before the producer closes with the try block.
                sender.join(10_000);
            }
        } finally {
            env.dropTopics(topics);
        }
    }

    private static ProcessorChild start(BenchEnvironment env, Map<String, String> config, String runId, String which) {
        Path log =
                env.workDir().resolve("restart-" + runId + "-" + which + ".log").toAbsolutePath();
        return ProcessorChild.start(config, HEAP, List.of("-Xlog:gc:file=" + gcLog(log)), log);
    }

    /** {@code restart-<run>-a.log} has its GC log in {@code restart-<run>-a-gc.log}. */
    private static Path gcLog(Path log) {
        return log.resolveSibling(log.getFileName().toString().replace(".log", "-gc.log"));
    }
}
