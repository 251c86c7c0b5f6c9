package dev.logtocp.registry;

import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link SchemaRegistryServer}. Immutable.
 *
 * @param bootstrapServers Kafka cluster holding the schemas topic
 * @param host             address to listen on (loopback by default)
 * @param port             HTTP port, 0 for any free port
 * @param topic            compacted topic storing every registration (Confluent's default is {@code _schemas})
 * @param kafkaProperties  extra Kafka client properties (security settings and the like), applied to the
 *                         admin, producer and consumer
 */
public record RegistryServerConfig(
        String bootstrapServers, String host, int port, String topic, Map<String, String> kafkaProperties) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_TOPIC = "_schemas";

    public RegistryServerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(topic, "topic");
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
    }

    /** Loopback, a free port, topic {@code _schemas}, no extra Kafka properties. */
    public static RegistryServerConfig of(String bootstrapServers) {
        return new RegistryServerConfig(bootstrapServers, DEFAULT_HOST, 0, DEFAULT_TOPIC, Map.of());
    }

    public RegistryServerConfig withTopic(String newTopic) {
        return new RegistryServerConfig(bootstrapServers, host, port, newTopic, kafkaProperties);
    }

    public RegistryServerConfig withPort(int newPort) {
        return new RegistryServerConfig(bootstrapServers, host, newPort, topic, kafkaProperties);
    }
}
