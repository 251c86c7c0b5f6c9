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
    private CommandProcessor processor;

    ProcessorSystem(Map<String, String> overrides) {
        this(overrides, false);
    }

    /**
     * @param poolMatchesConcurrency also set {@code LOGTO_MAX_CONNECTIONS=C} (system name {@code processor-conn}):
     *                               the shipped pool of 64 connections otherwise caps HTTP concurrency below C
     */
    ProcessorSystem(Map<String, String> overrides, boolean poolMatchesConcurrency) {
        this.overrides = Map.copyOf(overrides);
        this.poolMatchesConcurrency = poolMatchesConcurrency;
    }

    @Override
    public String name() {
        return poolMatchesConcurrency ? "processor-conn" : "processor";
    }

    @Override
    public void start(RunContext run) {
        SimulatorProcess logto = run.env().simulator;
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", run.env().bootstrap());
        env.put("SCHEMA_REGISTRY_URL", run.env().registry.url());
        env.put("KAFKA_GROUP_ID", "bench-processor-" + run.runId());
        env.put("PROCESSOR_INSTANCE_ID", "bench-" + run.runId());
        env.put("COMMAND_TOPICS", run.topics().commands());
        env.put("OUTCOME_TOPIC", run.topics().outcomes());
        env.put("AUDIT_TOPIC", run.topics().audit());
        env.put("DEAD_LETTER_TOPIC", run.topics().deadLetters());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        env.put("MAX_IN_FLIGHT", Integer.toString(run.scenario().concurrency()));
        if (poolMatchesConcurrency) {
            env.put("LOGTO_MAX_CONNECTIONS", Integer.toString(run.scenario().concurrency()));
        }
        env.putAll(overrides);
        processor = CommandProcessor.start(ProcessorConfig.fromMap(env));
    }

    @Override
    public void close() {
        if (processor != null) {
            processor.close();
            processor = null;
        }
    }
}
