package dev.logtocp.processor.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole, validated configuration of one processor instance. Built by {@link #from(ConfigSource)}; every
 * setting, its default and meaning is documented on the component records and in the README table.
 */
public record ProcessorConfig(
        KafkaSettings kafka,
        LogtoSettings logto,
        EngineSettings engine,
        HttpSettings http,
        SecuritySettings security,
        OverloadSettings overload) {

    public ProcessorConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(logto, "logto");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(overload, "overload");
    }

    public static ProcessorConfig from(ConfigSource source) {
        List<String> commandTopics = source.list("COMMAND_TOPICS", List.of("logto.commands"));
        KafkaSettings kafka = new KafkaSettings(
                source.required("KAFKA_BOOTSTRAP_SERVERS"),
                source.string("KAFKA_GROUP_ID", "logto-command-processor"),
                source.string("PROCESSOR_INSTANCE_ID", defaultInstanceId()),
                commandTopics,
                source.string("OUTCOME_TOPIC", "logto.command-outcomes"),
                source.string("AUDIT_TOPIC", "logto.audit"),
                source.string("DEAD_LETTER_TOPIC", "logto.commands.dlq"),
                source.string("LEDGER_TOPIC", commandTopics.isEmpty() ? "" : commandTopics.get(0) + ".ledger"),
                source.string("REFERENCES_TOPIC", commandTopics.isEmpty() ? "" : commandTopics.get(0) + ".refs"),
                source.required("SCHEMA_REGISTRY_URL"),
                source.withPrefix("KAFKA_CLIENT_"),
                source.withPrefix("SERDE_"));
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings engine = new EngineSettings(
                source.integer("MAX_IN_FLIGHT", defaults.maxInFlight(), 1, 100_000),
                source.integer("MAX_BUFFERED_RECORDS", defaults.maxBufferedRecords(), 1, 10_000_000),
                source.integer("MAX_ATTEMPTS", defaults.maxAttempts(), 1, 1000),
                source.millis(
                        "RETRY_BASE_DELAY_MS", defaults.retryBaseDelay(), Duration.ofMillis(1), Duration.ofMinutes(10)),
                source.millis(
                        "RETRY_MAX_DELAY_MS", defaults.retryMaxDelay(), Duration.ofMillis(1), Duration.ofHours(1)),
                source.integer("MAX_COMMAND_BYTES", defaults.maxCommandBytes(), 64, 64 << 20),
                source.millis(
                        "COMMIT_INTERVAL_MS", defaults.commitInterval(), Duration.ofMillis(1), Duration.ofSeconds(30)),
                source.millis("SHUTDOWN_TIMEOUT_MS", defaults.shutdownTimeout(), Duration.ZERO, Duration.ofMinutes(10)),
                source.millis(
                        "LEDGER_RETENTION_MS",
                        defaults.ledgerRetention(),
                        Duration.ofMinutes(1),
                        Duration.ofDays(3650)),
                source.integer("EXECUTION_THREADS", defaults.executionThreads(), 1, 256),
                Path.of(source.string("STATE_DIR", defaults.stateDir().toString())),
                source.bool("COMMIT_BARRIER", defaults.commitBarrier()));
        LogtoSettings logto = new LogtoSettings(
                uri("LOGTO_ENDPOINT", source.required("LOGTO_ENDPOINT")),
                source.required("LOGTO_M2M_APP_ID"),
                new Secret(source.required("LOGTO_M2M_APP_SECRET")),
                source.string("LOGTO_RESOURCE", "https://default.logto.app/api"),
                source.millis(
                        "LOGTO_REQUEST_TIMEOUT_MS",
                        Duration.ofSeconds(10),
                        Duration.ofMillis(100),
                        Duration.ofMinutes(5)),
                // One connection per command that may be in flight: a smaller pool silently caps throughput.
                source.integer("LOGTO_MAX_CONNECTIONS", Math.min(4096, engine.maxInFlight()), 1, 4096),
                source.integer("LOGTO_RATE_LIMIT_RPS", 0, 0, 1_000_000),
                source.integer("BREAKER_FAILURE_THRESHOLD", 20, 1, 1_000_000),
                source.millis("BREAKER_OPEN_MS", Duration.ofSeconds(2), Duration.ofMillis(10), Duration.ofHours(1)),
                source.millis("BREAKER_MAX_OPEN_MS", Duration.ofMinutes(1), Duration.ofMillis(10), Duration.ofHours(1)),
                source.optional("LOGTO_CA_FILE").map(Path::of));
        HttpSettings http = HttpSettings.parse(
                source.string("HTTP_BIND", "127.0.0.1:0"),
                source.optional("HTTP_ADMIN_TOKEN").map(Secret::new),
                source.optional("HISTORY_VIEW_URL"));
        SecuritySettings security = new SecuritySettings(
                source.optional("PASSWORD_RESET_KEYS_DIR").map(Path::of),
                source.optional("ISSUER_POLICY_FILE").map(Path::of),
                source.millis(
                        "ISSUER_POLICY_CHECK_MS", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1)));
        return new ProcessorConfig(kafka, logto, engine, http, security, OverloadSettings.from(source, engine, logto));
    }

    public static ProcessorConfig fromMap(Map<String, String> values) {
        return from(ConfigSource.of(values));
    }

    private static URI uri(String key, String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URL");
        }
    }

    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "instance-0" : host;
    }
}
