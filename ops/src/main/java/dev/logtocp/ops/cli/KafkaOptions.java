package dev.logtocp.ops.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Connection options every Kafka-using command shares: brokers, registry, and a Kafka client properties file
 * for anything else (SASL, TLS). The file's entries also reach the serdes, so {@code basic.auth.user.info}
 * for the registry goes there too.
 */
public final class KafkaOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            paramLabel = "HOST:PORT,...",
            description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "${env:SCHEMA_REGISTRY_URL}",
            paramLabel = "URL",
            description = "Confluent-compatible schema registry (env SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Option(
            names = "--command-config",
            paramLabel = "FILE",
            description = "Properties file with extra Kafka client settings, e.g. security.protocol, sasl.jaas.config.")
    Path commandConfig;

    /** Client properties: the command-config file, then the bootstrap servers. */
    public Map<String, Object> client() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new CommandLine.ParameterException(
                    mixee.commandLine(), "--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) is required");
        }
        Map<String, Object> props = new HashMap<>(fileProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "ops-cli");
        return props;
    }

    /** Consumer properties for reading without a group: read_committed, no commits. */
    public Map<String, Object> reader() {
        Map<String, Object> props = client();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    /** Serde properties with Confluent's names; producers use the record-name subject strategy. */
    public Map<String, Object> serde() {
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new CommandLine.ParameterException(
                    mixee.commandLine(), "--schema-registry-url (or SCHEMA_REGISTRY_URL) is required");
        }
        Map<String, Object> props = new HashMap<>(fileProperties());
        props.put("schema.registry.url", schemaRegistryUrl);
        props.put("value.subject.name.strategy", "record");
        return props;
    }

    /** True when a registry is configured; commands that only decode optionally can then skip it. */
    public boolean hasRegistry() {
        return schemaRegistryUrl != null && !schemaRegistryUrl.isBlank();
    }

    public Admin admin() {
        return Admin.create(client());
    }

    private Map<String, Object> fileProperties() {
        if (commandConfig == null) {
            return Map.of();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(commandConfig)) {
            props.load(reader);
        } catch (IOException e) {
            throw new OpsException("cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
        }
        Map<String, Object> out = new HashMap<>();
        props.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v).trim()));
        return out;
    }
}
