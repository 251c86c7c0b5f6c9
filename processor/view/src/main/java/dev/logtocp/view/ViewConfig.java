package dev.logtocp.view;

import dev.logtocp.processor.config.ConfigException;
import dev.logtocp.processor.config.ConfigSource;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of one view instance, from the same sources and conventions as the processor's (environment, properties
 * file, {@code X_FILE}). Validated on construction; a bad value is one {@link ConfigException} naming the key.
 *
 * @param bootstrapServers   {@code KAFKA_BOOTSTRAP_SERVERS}, required
 * @param schemaRegistryUrl  {@code SCHEMA_REGISTRY_URL}, required (to decode outcomes and audit events)
 * @param outcomeTopic       {@code OUTCOME_TOPIC} (default {@code logto.command-outcomes})
 * @param auditTopic         {@code AUDIT_TOPIC} (default {@code logto.audit})
 * @param applicationId      {@code VIEW_APPLICATION_ID} (default {@code logto-command-view}): the Kafka Streams
 *                           application id, shared by every instance of one view; prefixes its internal topics
 * @param bindHost           host of {@code VIEW_HTTP_BIND} (default {@code 127.0.0.1:8088})
 * @param bindPort           port of {@code VIEW_HTTP_BIND}; 0 picks a free one
 * @param advertisedHost     {@code VIEW_ADVERTISED_HOST}: how the other instances reach this one (default: the bind
 *                           host, or this machine's host name when binding every interface)
 * @param stateDir           {@code VIEW_STATE_DIR} (default {@code <java.io.tmpdir>/logto-command-view}): local
 *                           RocksDB stores, rebuilt from their changelog topics when lost
 * @param streamThreads      {@code VIEW_STREAM_THREADS} (default 1)
 * @param replicationFactor  {@code VIEW_REPLICATION_FACTOR} of the internal topics (default -1: the broker's default)
 * @param standbyReplicas    {@code VIEW_STANDBY_REPLICAS} (default 0): warm copies of each store on other instances,
 *                           so a restarted instance's keys are served again sooner
 * @param forwardTimeout     {@code VIEW_FORWARD_TIMEOUT_MS} (default 5000): how long a forwarded query may take
 * @param instanceId         {@code VIEW_INSTANCE_ID}, optional: a stable id per instance (e.g. the pod name) makes it a
 *                           static group member, so a restarted instance gets its own stores back at once instead of
 *                           after the group's session timeout (45 s); empty for dynamic membership
 * @param clientOverrides    {@code KAFKA_CLIENT_*}, passed to every Kafka client (SASL, TLS)
 * @param serdeOverrides     {@code SERDE_*}, passed to the Avro deserializer (registry credentials)
 */
public record ViewConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String outcomeTopic,
        String auditTopic,
        String applicationId,
        String bindHost,
        int bindPort,
        String advertisedHost,
        Path stateDir,
        int streamThreads,
        int replicationFactor,
        int standbyReplicas,
        Duration forwardTimeout,
        String instanceId,
        Map<String, String> clientOverrides,
        Map<String, String> serdeOverrides) {

    public ViewConfig {
        require("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        require("SCHEMA_REGISTRY_URL", schemaRegistryUrl);
        if (!schemaRegistryUrl.startsWith("http://") && !schemaRegistryUrl.startsWith("https://")) {
            throw new ConfigException("SCHEMA_REGISTRY_URL", "must be an http:// or https:// URL");
        }
        require("OUTCOME_TOPIC", outcomeTopic);
        require("AUDIT_TOPIC", auditTopic);
        if (outcomeTopic.equals(auditTopic)) {
            throw new ConfigException("AUDIT_TOPIC", "must differ from OUTCOME_TOPIC");
        }
        require("VIEW_APPLICATION_ID", applicationId);
        require("VIEW_HTTP_BIND", bindHost);
        if (bindPort < 0 || bindPort > 65535) {
            throw new ConfigException("VIEW_HTTP_BIND", "port must be in [0, 65535]");
        }
        require("VIEW_ADVERTISED_HOST", advertisedHost);
        if (stateDir == null) {
            throw new ConfigException("VIEW_STATE_DIR", "is required");
        }
        instanceId = instanceId == null ? "" : instanceId.trim();
        clientOverrides = Map.copyOf(clientOverrides);
        serdeOverrides = Map.copyOf(serdeOverrides);
    }

    public static ViewConfig from(ConfigSource source) {
        String bind = source.string("VIEW_HTTP_BIND", "127.0.0.1:8088");
        int colon = bind.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("VIEW_HTTP_BIND", "must be host:port, e.g. 0.0.0.0:8088");
        }
        String host = bind.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(bind.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("VIEW_HTTP_BIND", "port must be a number");
        }
        return new ViewConfig(
                source.required("KAFKA_BOOTSTRAP_SERVERS"),
                source.required("SCHEMA_REGISTRY_URL"),
                source.string("OUTCOME_TOPIC", "logto.command-outcomes"),
                source.string("AUDIT_TOPIC", "logto.audit"),
                source.string("VIEW_APPLICATION_ID", "logto-command-view"),
                host,
                port,
                source.optional("VIEW_ADVERTISED_HOST").orElseGet(() -> defaultAdvertisedHost(host)),
                Path.of(source.string(
                        "VIEW_STATE_DIR",
                        Path.of(System.getProperty("java.io.tmpdir"), "logto-command-view")
                                .toString())),
                source.integer("VIEW_STREAM_THREADS", 1, 1, 64),
                source.integer("VIEW_REPLICATION_FACTOR", -1, -1, 32),
                source.integer("VIEW_STANDBY_REPLICAS", 0, 0, 8),
                source.millis(
                        "VIEW_FORWARD_TIMEOUT_MS",
                        Duration.ofSeconds(5),
                        Duration.ofMillis(100),
                        Duration.ofMinutes(2)),
                source.string("VIEW_INSTANCE_ID", ""),
                source.withPrefix("KAFKA_CLIENT_"),
                source.withPrefix("SERDE_"));
    }

    public static ViewConfig fromMap(Map<String, String> values) {
        return from(ConfigSource.of(values));
    }

    private static String defaultAdvertisedHost(String bindHost) {
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::") && !bindHost.equals("[::]")) {
            return bindHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException(
                    "VIEW_ADVERTISED_HOST", "is required when binding every interface and the host name is unknown");
        }
    }

    private static void require(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "is required");
        }
    }
}
