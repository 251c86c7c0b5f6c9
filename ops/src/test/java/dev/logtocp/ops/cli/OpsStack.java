package dev.logtocp.ops.cli;

import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.testkit.KafkaTestCluster;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import dev.logtocp.view.CommandView;
import dev.logtocp.view.ViewConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test fixture for the CLI: the shared in-JVM Kafka, a registry on a private schemas topic, fresh contract
 * topics per instance, and on request the Logto simulator plus a processor reading those topics.
 */
final class OpsStack implements AutoCloseable {
    final KafkaTestCluster kafka = KafkaTestCluster.shared();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final TopicContract topics;
    final SchemaRegistryServer registry;
    final String group = "processor-" + suffix;
    private LogtoSimulator logto;
    private CommandProcessor processor;
    private CommandView view;
    private java.nio.file.Path viewState;

    OpsStack(int partitions) {
        topics = new TopicContract(
                "commands-" + suffix, "outcomes-" + suffix, "audit-" + suffix, "dlq-" + suffix, partitions, (short) 1);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-" + suffix));
    }

    /** Starts the simulator and a processor on this stack's topics and group. */
    OpsStack withProcessor() {
        logto = LogtoSimulator.start(SimulatorConfig.defaults());
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", group);
        env.put("PROCESSOR_INSTANCE_ID", "ops-it");
        env.put("COMMAND_TOPICS", topics.commands());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        env.put("RETRY_BASE_DELAY_MS", "20");
        env.put("RETRY_MAX_DELAY_MS", "200");
        processor = CommandProcessor.start(ProcessorConfig.fromMap(env));
        return this;
    }

    /** Starts a status view instance on this stack's outcome and audit topics. */
    CommandView withView() {
        try {
            viewState = java.nio.file.Files.createTempDirectory("ops-view");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("VIEW_APPLICATION_ID", "view-" + suffix);
        env.put("VIEW_HTTP_BIND", "127.0.0.1:0");
        env.put("VIEW_STATE_DIR", viewState.toString());
        view = CommandView.start(ViewConfig.fromMap(env));
        return view;
    }

    void stopView() {
        if (view != null) {
            view.close();
            view = null;
        }
    }

    LogtoSimulator logto() {
        return logto;
    }

    /** Connection and topic options for a CLI call against this stack. */
    String[] common(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.url(),
                "--command-topic", topics.commands(),
                "--outcome-topic", topics.outcomes(),
                "--audit-topic", topics.audit(),
                "--dlq-topic", topics.deadLetters()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** {@code command...} followed by the common options and {@code more}. */
    CliRun run(List<String> command, String... more) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of(common(more)));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Override
    public void close() {
        stopView();
        if (processor != null) {
            processor.close();
        }
        if (logto != null) {
            logto.close();
        }
        registry.close();
    }
}
