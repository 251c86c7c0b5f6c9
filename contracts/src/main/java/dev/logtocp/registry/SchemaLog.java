package dev.logtocp.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable side of the registry: a single-partition compacted Kafka topic with one JSON record per
 * registration (key {@code {"keytype":"SCHEMA","subject":..,"version":..}}) or compatibility setting (key
 * {@code {"keytype":"CONFIG","subject":..|null}}). Keys are unique per fact, so compaction never loses
 * one.
 *
 * <p>Not thread-safe; the server calls it under its lock. Single writer: two servers writing the same
 * topic could hand out the same id twice.
 */
final class SchemaLog implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final RegistryServerConfig config;
    private final KafkaProducer<String, String> producer;

    private SchemaLog(RegistryServerConfig config, KafkaProducer<String, String> producer) {
        this.config = config;
        this.producer = producer;
    }

    /** Creates the topic if needed and replays it into {@code state}; returns a log ready for appends. */
    static SchemaLog open(RegistryServerConfig config, RegistryState state) {
        ensureTopic(config);
        int replayed = replay(config, state);
        LOGGER.atInfo()
                .addKeyValue("records", replayed)
                .addKeyValue("topic", config.topic())
                .log("schema registry restored");
        Map<String, Object> props = baseProps(config);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new SchemaLog(config, new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()));
    }

    void appendSchema(String subject, int version, int id, String text) {
        ObjectNode key = JSON.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
        ObjectNode value = JSON.createObjectNode()
                .put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schema", text)
                .put("deleted", false);
        send(key, value);
    }

    void appendConfig(String subjectOrNull, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("magic", 0);
        key.put("subject", subjectOrNull);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        send(key, value);
    }

    private void send(ObjectNode key, ObjectNode value) {
        try {
            producer.send(new ProducerRecord<>(config.topic(), 0, key.toString(), value.toString()))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw RegistryError.storeFailure(e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw RegistryError.storeFailure("timed out writing to " + config.topic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.storeFailure("interrupted");
        }
    }

    private static void ensureTopic(RegistryServerConfig config) {
        Map<String, Object> props = baseProps(config);
        try (Admin admin = Admin.create(props)) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (names.contains(config.topic())) {
                return;
            }
            int brokers =
                    admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            NewTopic topic = new NewTopic(config.topic(), 1, (short) Math.max(1, Math.min(3, brokers)))
                    .configs(Map.of("cleanup.policy", "compact"));
            try {
                admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot prepare schemas topic " + config.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted preparing schemas topic", e);
        }
    }

    /** Reads the topic from the beginning up to the end offset observed at start. */
    private static int replay(RegistryServerConfig config, RegistryState state) {
        Map<String, Object> props = baseProps(config);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(config.topic(), 0);
        int count = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30))
                    .get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(partition, Duration.ofSeconds(30)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out replaying " + config.topic());
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record, state);
                    count++;
                }
            }
        }
        return count;
    }

    private static void apply(ConsumerRecord<String, String> record, RegistryState state) {
        if (record.key() == null || record.value() == null) {
            return; // tombstones: deletes are not supported, nothing to undo
        }
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = JSON.readTree(record.value());
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> {
                    if (value.path("deleted").asBoolean(false)) {
                        return;
                    }
                    String text = value.get("schema").asText();
                    state.applySchema(
                            value.get("subject").asText(),
                            value.get("version").asInt(),
                            value.get("id").asInt(),
                            text,
                            Schemas.canonical(Schemas.parse(text)));
                }
                case "CONFIG" -> {
                    JsonNode subject = key.get("subject");
                    state.applyConfig(
                            subject == null || subject.isNull() ? null : subject.asText(),
                            CompatibilityLevel.parse(
                                    value.get("compatibilityLevel").asText()));
                }
                default ->
                    LOGGER.atDebug().addKeyValue("offset", record.offset()).log("skipping record of unknown key type");
            }
        } catch (IOException | RuntimeException e) {
            // A bad record must not stop the registry from starting; it is skipped and reported.
            LOGGER.atWarn()
                    .addKeyValue("topic", record.topic())
                    .addKeyValue("offset", record.offset())
                    .addKeyValue("error", e.toString())
                    .log("skipping unreadable record");
        }
    }

    private static Map<String, Object> baseProps(RegistryServerConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return props;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
