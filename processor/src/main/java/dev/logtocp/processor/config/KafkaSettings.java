package dev.logtocp.processor.config;

import java.util.List;
import java.util.Map;

/**
 * Where commands come from and results go.
 *
 * @param bootstrapServers   {@code KAFKA_BOOTSTRAP_SERVERS}, required
 * @param groupId            {@code KAFKA_GROUP_ID}, consumer group of all processor instances (default
 *                           {@code logto-command-processor})
 * @param instanceId         {@code PROCESSOR_INSTANCE_ID}, stable per instance; the transactional id is
 *                           {@code groupId + "-" + instanceId}, so a restarted instance fences its zombie
 * @param commandTopics      {@code COMMAND_TOPICS}, comma-separated (default {@code logto.commands})
 * @param outcomeTopic       {@code OUTCOME_TOPIC} (default {@code logto.command-outcomes})
 * @param auditTopic         {@code AUDIT_TOPIC} (default {@code logto.audit})
 * @param deadLetterTopic    {@code DEAD_LETTER_TOPIC} (default {@code logto.commands.dlq})
 * @param ledgerTopic        {@code LEDGER_TOPIC}, the idempotency ledger (default: the first command topic +
 *                           {@code .ledger}); must have the command topics' partition count
 * @param referencesTopic    {@code REFERENCES_TOPIC}, externalId to user id mappings (default: the first command
 *                           topic + {@code .refs}); compacted, same partition count
 * @param schemaRegistryUrl  {@code SCHEMA_REGISTRY_URL}, required; any Confluent-compatible registry
 * @param clientOverrides    {@code KAFKA_CLIENT_*}: passed to every Kafka client, e.g.
 *                           {@code KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} becomes {@code security.protocol}
 * @param serdeOverrides     {@code SERDE_*}: passed to the (de)serializers, e.g. {@code SERDE_BASIC_AUTH_USER_INFO}
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        String instanceId,
        List<String> commandTopics,
        String outcomeTopic,
        String auditTopic,
        String deadLetterTopic,
        String ledgerTopic,
        String referencesTopic,
        String schemaRegistryUrl,
        Map<String, String> clientOverrides,
        Map<String, String> serdeOverrides) {

    public KafkaSettings {
        requireText("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        requireText("KAFKA_GROUP_ID", groupId);
        requireText("PROCESSOR_INSTANCE_ID", instanceId);
        if (commandTopics == null || commandTopics.isEmpty()) {
            throw new ConfigException("COMMAND_TOPICS", "needs at least one topic");
        }
        commandTopics = List.copyOf(commandTopics);
        requireText("OUTCOME_TOPIC", outcomeTopic);
        requireText("AUDIT_TOPIC", auditTopic);
        requireText("DEAD_LETTER_TOPIC", deadLetterTopic);
        requireText("LEDGER_TOPIC", ledgerTopic);
        requireText("REFERENCES_TOPIC", referencesTopic);
        requireText("SCHEMA_REGISTRY_URL", schemaRegistryUrl);
        if (!schemaRegistryUrl.startsWith("http://") && !schemaRegistryUrl.startsWith("https://")) {
            throw new ConfigException("SCHEMA_REGISTRY_URL", "must be an http:// or https:// URL");
        }
        for (String topic : List.of(outcomeTopic, auditTopic, deadLetterTopic, ledgerTopic, referencesTopic)) {
            if (commandTopics.contains(topic)) {
                throw new ConfigException(
                        "COMMAND_TOPICS", "must not include the outcome, audit, dead-letter or ledger topic " + topic);
            }
        }
        clientOverrides = Map.copyOf(clientOverrides);
        serdeOverrides = Map.copyOf(serdeOverrides);
    }

    public String transactionalId() {
        return groupId + "-" + instanceId;
    }

    static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "is required");
        }
    }
}
