package dev.logtocp.processor.it;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import dev.logtocp.testkit.KafkaTestCluster;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything a processor integration test needs, on real components: the shared in-JVM Kafka cluster, a schema
 * registry server, the Logto under test and a processor, with fresh topics per instance so test classes do not see
 * each other's records. Producers write the real wire format; readers use {@code read_committed}.
 *
 * <p>The Logto under test is the simulator, or a real Logto when the environment names one
 * ({@link LogtoUnderTest#fromEnvironment}); ITs that need what only the simulator has (its capacity model, a
 * restart, fault timing tied to its event loop) start with {@link #startOnSimulator} or {@link #prepareOnSimulator}.
 */
public final class ProcessorStack implements AutoCloseable {
    public final KafkaTestCluster kafka;
    public final SchemaRegistryServer registry;
    public final LogtoUnderTest logto;
    public final TopicContract topics;
    public volatile CommandProcessor processor;
    private final Map<String, String> processorEnv;
    private final KafkaProducer<String, Object> producer;
    private final KafkaProducer<byte[], byte[]> rawProducer;
    private final KafkaConsumer<String, Object> outcomeConsumer;
    private final Map<String, List<CommandOutcome>> outcomes = new HashMap<>();
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private WireFormatSerializer stateSerializer;

    private ProcessorStack(Map<String, String> overrides, boolean startProcessor, boolean simulatorOnly) {
        kafka = KafkaTestCluster.shared();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        topics = new TopicContract(
                "commands-" + suffix, "outcomes-" + suffix, "audit-" + suffix, "dlq-" + suffix, 3, (short) 1);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-" + suffix));
        logto = simulatorOnly ? SimulatedLogto.start() : LogtoUnderTest.fromEnvironment();
        System.out.println("processor IT stack against " + logto.describe());
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", "processor-" + suffix);
        env.put("PROCESSOR_INSTANCE_ID", "it-1");
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
        // A real Logto on a small machine, behind the recording proxy's snapshots, needs more than the simulator.
        env.put("LOGTO_REQUEST_TIMEOUT_MS", logto.isSimulator() ? "2000" : "5000");
        env.putAll(overrides);
        processorEnv = Map.copyOf(env);
        processor = startProcessor ? CommandProcessor.start(ProcessorConfig.fromMap(env)) : null;

        Map<String, Object> serde =
                Map.of("schema.registry.url", registry.url(), "value.subject.name.strategy", "record");
        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(serde, false);
        producer = new KafkaProducer<>(clientConfig(), new StringSerializer(), serializer);
        rawProducer = new KafkaProducer<>(clientConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        WireFormatDeserializer deserializer = new WireFormatDeserializer();
        deserializer.configure(serde, false);
        outcomeConsumer = new KafkaConsumer<>(readCommitted(), new StringDeserializer(), deserializer);
        outcomeConsumer.assign(partitions(topics.outcomes()));
        outcomeConsumer.seekToBeginning(outcomeConsumer.assignment());
    }

    /** Stops the processor cleanly (drain and commit) and starts a new one in the same group. */
    public void restartProcessor() {
        processor.close();
        processor = CommandProcessor.start(ProcessorConfig.fromMap(processorEnv));
    }

    public void stopProcessor() {
        processor.close();
    }

    public void startProcessor() {
        processor = CommandProcessor.start(ProcessorConfig.fromMap(processorEnv));
    }

    /** Starts the processor with extra settings on top of this stack's. */
    public void startProcessor(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(processorEnv);
        env.putAll(extra);
        processor = CommandProcessor.start(ProcessorConfig.fromMap(env));
    }

    public void stopProcessorIfRunning() {
        if (processor != null) {
            processor.close();
            processor = null;
        }
    }

    public String groupId() {
        return processorEnv.get("KAFKA_GROUP_ID");
    }

    /** GET on the processor's health/metrics endpoint. */
    public java.net.http.HttpResponse<String> httpGet(String path) throws Exception {
        return HTTP.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + processor.httpPort() + path))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** The first sample of a metric in the processor's Prometheus scrape, or -1 when absent. */
    public double metric(String name) throws Exception {
        for (String line : httpGet("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    public static ProcessorStack start() {
        return start(Map.of());
    }

    /** Everything but the processor, which the test starts with {@link #startProcessor()}. */
    public static ProcessorStack prepare(Map<String, String> overrides) {
        return new ProcessorStack(overrides, false, false);
    }

    /** A stack on the simulator whatever the environment says. */
    public static ProcessorStack startOnSimulator(Map<String, String> overrides) {
        return new ProcessorStack(overrides, true, true);
    }

    /** {@link #prepare} on the simulator whatever the environment says. */
    public static ProcessorStack prepareOnSimulator(Map<String, String> overrides) {
        return new ProcessorStack(overrides, false, true);
    }

    /** Serializes {@code value} as the processor would (wire format, registry) for writing straight to a topic. */
    public synchronized byte[] serialize(String topic, Object value) {
        if (stateSerializer == null) {
            // One instance: each serializer owns an HTTP client and its schema cache.
            stateSerializer = new WireFormatSerializer();
            stateSerializer.configure(Map.of("schema.registry.url", registry.url()), false);
        }
        return stateSerializer.serialize(topic, value);
    }

    public static ProcessorStack start(Map<String, String> overrides) {
        return new ProcessorStack(overrides, true, false);
    }

    public static CommandMeta meta(String idempotencyKey) {
        return CommandMeta.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setIdempotencyKey(idempotencyKey)
                .setIssuer("it-suite")
                .setIssuedAt(Instant.now())
                .build();
    }

    /**
     * A resubmission that bypasses the idempotency ledger ({@code force}), so that a test exercises the handler's own
     * natural idempotency, as after a crash between the Logto call and the commit.
     */
    public static CommandMeta pastLedger(String idempotencyKey) {
        return CommandMeta.newBuilder(meta(idempotencyKey)).setForce(true).build();
    }

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Sends a command keyed by {@code key} and returns its command id. */
    public String send(String key, SpecificRecord command) {
        producer.send(new ProducerRecord<>(topics.commands(), key, command));
        producer.flush();
        return ((CommandMeta) command.get(0)).getCommandId();
    }

    /** Sends a command with extra record headers (e.g. {@code traceparent}) and returns its command id. */
    public String send(String key, SpecificRecord command, Map<String, String> headers) {
        ProducerRecord<String, Object> record = new ProducerRecord<>(topics.commands(), key, command);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        producer.send(record);
        producer.flush();
        return ((CommandMeta) command.get(0)).getCommandId();
    }

    /** Writes raw bytes to any topic and partition (for pre-filling processor state topics). */
    public void sendRawTo(String topic, int partition, byte[] key, byte[] value) {
        rawProducer.send(new ProducerRecord<>(topic, partition, key, value));
    }

    public void flushRaw() {
        rawProducer.flush();
    }

    public void sendRaw(String key, byte[] value) {
        rawProducer.send(new ProducerRecord<>(topics.commands(), key == null ? null : key.getBytes(), value));
        rawProducer.flush();
    }

    /** The first outcome of {@code commandId}, waiting up to 30 s. */
    public CommandOutcome awaitOutcome(String commandId) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            List<CommandOutcome> found = outcomes.get(commandId);
            if (found != null && !found.isEmpty()) {
                return found.get(0);
            }
            pollOutcomes(Duration.ofMillis(200));
        }
        throw new AssertionError("no outcome for command " + commandId + " within 30 s");
    }

    /** Every outcome of {@code commandId} seen so far after reading for {@code settle}. */
    public List<CommandOutcome> outcomesOf(String commandId, Duration settle) {
        Instant end = Instant.now().plus(settle);
        while (Instant.now().isBefore(end)) {
            pollOutcomes(Duration.ofMillis(100));
        }
        return List.copyOf(outcomes.getOrDefault(commandId, List.of()));
    }

    private void pollOutcomes(Duration timeout) {
        for (ConsumerRecord<String, Object> r : outcomeConsumer.poll(timeout)) {
            if (r.value() instanceof CommandOutcome o) {
                outcomes.computeIfAbsent(o.getCommandId(), k -> new ArrayList<>())
                        .add(o);
            }
        }
    }

    /** Every audit event committed so far. */
    public List<AuditEvent> auditEvents() {
        WireFormatDeserializer d = new WireFormatDeserializer();
        d.configure(Map.of("schema.registry.url", registry.url()), false);
        List<AuditEvent> events = new ArrayList<>();
        for (ConsumerRecord<String, Object> r : readToEnd(topics.audit(), new StringDeserializer(), d)) {
            if (r.value() instanceof AuditEvent e) {
                events.add(e);
            }
        }
        return events;
    }

    /** Every dead letter committed so far. */
    public List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return readToEnd(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads a topic from the beginning up to its last committed record at the time of the call. */
    public <K, V> List<ConsumerRecord<K, V>> readToEnd(
            String topic,
            org.apache.kafka.common.serialization.Deserializer<K> keys,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(readCommitted(), keys, values)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Instant deadline = Instant.now().plusSeconds(30);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("acks", "all");
        return p;
    }

    private Map<String, Object> readCommitted() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        return p;
    }

    private List<TopicPartition> partitions(String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < topics.partitions(); i++) {
            out.add(new TopicPartition(topic, i));
        }
        return out;
    }

    @Override
    public void close() {
        if (processor != null) {
            processor.close();
        }
        producer.close();
        rawProducer.close();
        outcomeConsumer.close();
        logto.close();
        registry.close();
    }
}
