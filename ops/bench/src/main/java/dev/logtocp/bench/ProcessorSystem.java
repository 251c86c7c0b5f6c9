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
    private CommandProcessor processor;

    ProcessorSystem(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public String name() {
        return "processor";
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
