package dev.logtocp.client;

import dev.logtocp.schema.signing.CommandSigner;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link CommandClient}. Immutable; validated on construction (an {@link IllegalArgumentException}
 * names the bad setting). Build one with {@link #builder(String, String, String)}.
 *
 * @param bootstrapServers  Kafka brokers
 * @param schemaRegistryUrl Confluent-compatible registry the commands are registered in and the outcomes come from
 * @param issuer            {@code meta.issuer} of every command this client sends; the processor's issuer policy
 *                          decides what it may send
 * @param commandTopic      where commands go (default {@code logto.commands})
 * @param outcomeTopic      where the processor publishes outcomes (default {@code logto.command-outcomes})
 * @param defaultTimeout    how long a submission waits for its outcome unless its {@link SubmitOptions} say
 *                          otherwise (default 30 s)
 * @param maxPending        submissions awaiting an outcome at once; one more fails at once with
 *                          {@link CommandClientException} instead of growing the heap (default 10,000)
 * @param signer            signs every command ({@code lcp-signature} headers) when the issuer must sign; null for
 *                          unsigned commands
 * @param kafkaProperties   extra Kafka client properties for the producer and the outcome reader (SASL, TLS,
 *                          client ids); the client's own guarantees (acks, idempotence, read_committed) win
 * @param serdeProperties   extra serde properties with Confluent's names, e.g. {@code basic.auth.user.info} or
 *                          {@code auto.register.schemas=false}
 */
public record CommandClientConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String issuer,
        String commandTopic,
        String outcomeTopic,
        Duration defaultTimeout,
        int maxPending,
        CommandSigner signer,
        Map<String, Object> kafkaProperties,
        Map<String, Object> serdeProperties) {

    public static final String DEFAULT_COMMAND_TOPIC = "logto.commands";
    public static final String DEFAULT_OUTCOME_TOPIC = "logto.command-outcomes";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_PENDING = 10_000;

    public CommandClientConfig {
        requireText("bootstrapServers", bootstrapServers);
        requireText("schemaRegistryUrl", schemaRegistryUrl);
        requireText("issuer", issuer);
        requireText("commandTopic", commandTopic);
        requireText("outcomeTopic", outcomeTopic);
        if (commandTopic.equals(outcomeTopic)) {
            throw new IllegalArgumentException("commandTopic and outcomeTopic must differ");
        }
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("defaultTimeout must be positive");
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
        serdeProperties = Map.copyOf(serdeProperties);
    }

    public static Builder builder(String bootstrapServers, String schemaRegistryUrl, String issuer) {
        return new Builder(bootstrapServers, schemaRegistryUrl, issuer);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    @Override
    public String toString() {
        // The properties may hold SASL or registry credentials: never print them.
        return "CommandClientConfig[bootstrapServers=" + bootstrapServers + ", issuer=" + issuer + ", commandTopic="
                + commandTopic + ", outcomeTopic=" + outcomeTopic + ", defaultTimeout=" + defaultTimeout
                + ", signer=" + signer + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String schemaRegistryUrl;
        private final String issuer;
        private String commandTopic = DEFAULT_COMMAND_TOPIC;
        private String outcomeTopic = DEFAULT_OUTCOME_TOPIC;
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private int maxPending = DEFAULT_MAX_PENDING;
        private CommandSigner signer;
        private final Map<String, Object> kafkaProperties = new HashMap<>();
        private final Map<String, Object> serdeProperties = new HashMap<>();

        private Builder(String bootstrapServers, String schemaRegistryUrl, String issuer) {
            this.bootstrapServers = bootstrapServers;
            this.schemaRegistryUrl = schemaRegistryUrl;
            this.issuer = issuer;
        }

        public Builder commandTopic(String topic) {
            this.commandTopic = topic;
            return this;
        }

        public Builder outcomeTopic(String topic) {
            this.outcomeTopic = topic;
            return this;
        }

        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = timeout;
            return this;
        }

        public Builder maxPending(int max) {
            this.maxPending = max;
            return this;
        }

        public Builder signer(CommandSigner signer) {
            this.signer = signer;
            return this;
        }

        public Builder kafkaProperty(String name, Object value) {
            kafkaProperties.put(name, value);
            return this;
        }

        public Builder serdeProperty(String name, Object value) {
            serdeProperties.put(name, value);
            return this;
        }

        public CommandClientConfig build() {
            return new CommandClientConfig(
                    bootstrapServers,
                    schemaRegistryUrl,
                    issuer,
                    commandTopic,
                    outcomeTopic,
                    defaultTimeout,
                    maxPending,
                    signer,
                    kafkaProperties,
                    serdeProperties);
        }
    }
}
