package dev.logtocp.bench;

import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.config.ProcessorConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * This processor as shipped, in the bench JVM: transactions on, defaults untouched except {@code MAX_IN_FLIGHT=C}
 * and whatever {@code --processor-env} adds (to try a configuration change without changing code).
 */
final class ProcessorSystem implements SystemUnderTest {
    private final Map<String, String> overrides;
    private final boolean poolMatchesConcurrency;
    private final String name;
    private CommandProcessor processor;

    /** A named variant: {@code overrides} win over the scenario's settings (e.g. a fixed limit of 16). */
    static ProcessorSystem variant(String name, Map<String, String> overrides) {
        return new ProcessorSystem(overrides, false, name);
    }

    ProcessorSystem(Map<String, String> overrides) {
        this(overrides, false);
    }

    /**
     * @param poolMatchesConcurrency also set {@code LOGTO_MAX_CONNECTIONS=C} (system name {@code processor-conn}):
     *                               the shipped pool of 64 connections otherwise caps HTTP concurrency below C
     */
    ProcessorSystem(Map<String, String> overrides, boolean poolMatchesConcurrency) {
        this(overrides, poolMatchesConcurrency, poolMatchesConcurrency ? "processor-conn" : "processor");
    }

    private ProcessorSystem(Map<String, String> overrides, boolean poolMatchesConcurrency, String name) {
        this.overrides = Map.copyOf(overrides);
        this.poolMatchesConcurrency = poolMatchesConcurrency;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(RunContext run) {
        Map<String, String> extra = new HashMap<>();
        if (poolMatchesConcurrency) {
            extra.put("LOGTO_MAX_CONNECTIONS", Integer.toString(run.scenario().concurrency()));
        }
        extra.putAll(overrides);
        // The same settings a child-JVM processor gets, so in-process and child runs differ only in the JVM.
        processor = CommandProcessor.start(ProcessorConfig.fromMap(ProcessorChild.settings(
                run.env(),
                run.topics(),
                "bench-processor-" + run.runId(),
                "bench-" + run.runId(),
                run.scenario(),
                extra)));
    }

    /** A gauge or counter of the running processor, read from its scrape (NaN when absent). */
    double metric(String name) {
        for (String line : processor.metrics().scrape().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "_total ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        if (processor != null) {
            processor.close();
            processor = null;
        }
    }
}
