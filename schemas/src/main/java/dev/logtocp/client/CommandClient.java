package dev.logtocp.client;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.schema.signing.SigningSerializer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends commands to the processor and hands back their outcomes: the request/reply client for upstream Java
 * services.
 *
 * <pre>{@code
 * try (CommandClient client = CommandClient.create(CommandClientConfig.builder(brokers, registryUrl, "crm").build())) {
 *     UserCreate create = UserCreate.newBuilder().setMeta(CommandClient.metaPlaceholder())
 *             .setExternalId("crm-42").setUsername("alice").build();
 *     CommandOutcome outcome = client.execute("create-crm-42", create);          // blocking
 *     client.submit("create-crm-42", create).thenAccept(o -> ...);                // or asynchronous
 * }
 * }</pre>
 *
 * <p>For each submission the client builds the command's {@code meta} (a new {@code commandId}, the given
 * idempotency key, the configured issuer, {@code issuedAt} now, and the correlation id, deadline and force flag of
 * the {@link SubmitOptions}), replacing any meta the command carried, and sends a copy (the caller's object is not
 * changed) keyed by {@link RecordKeys} unless the options name a key; with a configured signer the value is signed
 * by {@link SigningSerializer}. The returned future completes with the outcome once the processor has committed it
 * ({@code read_committed}), or exceptionally with {@link CommandTimeoutException} after the timeout, or with
 * {@link CommandClientException} when the command could not be sent.
 *
 * <p>Submitting an idempotency key that was already decided is safe and returns the recorded decision: the
 * processor answers DUPLICATE without calling Logto, and the client surfaces it as the original status (see
 * {@link #isResubmission}). A FAILED or REJECTED outcome completes the future normally: it is the processor's answer.
 *
 * <p>One producer and one outcome reader (one consumer, one thread) per client, however many submissions are in
 * flight; the reader assigns only the outcome partitions the submitted keys map to. Thread-safe: share one client
 * per application. Futures complete on the reader thread, so keep dependent stages short or use the
 * {@code ...Async} variants.
 */
public final class CommandClient implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How much longer than the submission's timeout {@link #execute} waits before giving up on the reader itself. */
    private static final Duration BLOCKING_GRACE = Duration.ofSeconds(10);

    private final CommandClientConfig config;
    private final Producer<String, Object> producer;
    private final OutcomeReader reader;
    private final Thread readerThread;

    private CommandClient(CommandClientConfig config) {
        this.config = config;
        Map<String, Object> serde = new HashMap<>(config.serdeProperties());
        serde.put("schema.registry.url", config.schemaRegistryUrl());
        // One topic carries every command type, each its own subject (see the README's "Ordering across types").
        serde.putIfAbsent("value.subject.name.strategy", "record");
        WireFormatSerializer wire = new WireFormatSerializer();
        wire.configure(serde, false);
        Serializer<Object> values = config.signer() == null ? wire : new SigningSerializer(wire, config.signer());
        String clientId = "command-client-" + config.issuer() + "-" + INSTANCES.incrementAndGet();
        this.producer = new KafkaProducer<>(producerProperties(config, clientId), new StringSerializer(), values);
        WireFormatDeserializer outcomes = new WireFormatDeserializer();
        outcomes.configure(serde, false);
        this.reader = new OutcomeReader(
                new KafkaConsumer<>(
                        consumerProperties(config, clientId), new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                outcomes,
                config.outcomeTopic(),
                config.maxPending());
        this.readerThread = new Thread(reader, "command-client-outcomes-" + INSTANCES.get());
        readerThread.setDaemon(true);
        readerThread.start();
    }

    /** A client with its own producer and outcome reader; close it when done. */
    public static CommandClient create(CommandClientConfig config) {
        return new CommandClient(Objects.requireNonNull(config, "config"));
    }

    /**
     * A stand-in meta for Avro builders, whose {@code build()} insists on one: the client replaces it on every
     * submission.
     */
    public static CommandMeta metaPlaceholder() {
        return CommandMeta.newBuilder()
                .setCommandId("")
                .setIdempotencyKey("")
                .setIssuer("")
                .setIssuedAt(Instant.EPOCH)
                .build();
    }

    /** {@link #submit(String, SpecificRecord, SubmitOptions)} with default options. */
    public CompletableFuture<CommandOutcome> submit(String idempotencyKey, SpecificRecord command) {
        return submit(idempotencyKey, command, SubmitOptions.defaults());
    }

    /**
     * Sends {@code command} under {@code idempotencyKey} and returns its outcome, asynchronously. Blocks only while
     * the reader starts reading an outcome partition this client has not needed before (milliseconds, at most the
     * timeout), and as long as {@code KafkaProducer.send} blocks (metadata, a full buffer).
     *
     * @throws IllegalArgumentException when the key is blank, the record is not a command, or no record key can be
     *                                  derived and none was given
     */
    public CompletableFuture<CommandOutcome> submit(
            String idempotencyKey, SpecificRecord command, SubmitOptions options) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("idempotencyKey is required");
        }
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(options, "options");
        Schema schema = command.getSchema();
        Schema.Field metaField = schema.getField("meta");
        if (metaField == null
                || !CommandMeta.getClassSchema()
                        .getFullName()
                        .equals(metaField.schema().getFullName())) {
            throw new IllegalArgumentException(schema.getFullName() + " is not a command (it has no CommandMeta meta)");
        }
        String recordKey = options.recordKey() != null
                ? options.recordKey()
                : RecordKeys.of(command)
                        .orElseThrow(() -> new IllegalArgumentException("cannot derive a record key from this "
                                + schema.getName() + "; give SubmitOptions.withRecordKey"));
        CommandMeta meta = CommandMeta.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setIdempotencyKey(idempotencyKey)
                .setIssuer(config.issuer())
                .setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setCorrelationId(options.correlationId())
                .setDeadline(
                        options.deadline() == null ? null : options.deadline().truncatedTo(ChronoUnit.MILLIS))
                .setForce(options.force())
                .build();
        SpecificRecord copy = SpecificData.get().deepCopy(schema, command);
        copy.put(metaField.pos(), meta);
        Duration timeout = options.timeout() != null ? options.timeout() : config.defaultTimeout();
        String commandId = meta.getCommandId();
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        try {
            reader.expect(commandId, idempotencyKey, OutcomeReader.keyBytes(recordKey), timeout, future);
        } catch (CommandClientException e) {
            future.completeExceptionally(e);
            return future;
        }
        try {
            producer.send(new ProducerRecord<>(config.commandTopic(), recordKey, copy), (metadata, error) -> {
                if (error != null) {
                    reader.fail(
                            commandId,
                            new CommandClientException(
                                    commandId, "the command was not sent: " + error.getMessage(), error));
                }
            });
        } catch (RuntimeException e) {
            // Serialization (registry, signing) and producer state errors surface here, before anything was sent.
            reader.fail(
                    commandId, new CommandClientException(commandId, "the command was not sent: " + e.getMessage(), e));
        }
        return future;
    }

    /** {@link #execute(String, SpecificRecord, SubmitOptions)} with default options. */
    public CommandOutcome execute(String idempotencyKey, SpecificRecord command) throws InterruptedException {
        return execute(idempotencyKey, command, SubmitOptions.defaults());
    }

    /**
     * Blocking {@link #submit}: waits for the outcome.
     *
     * @throws CommandTimeoutException no outcome within the timeout (resubmitting the same key is safe)
     * @throws CommandClientException  the command could not be sent or its outcome not read
     */
    public CommandOutcome execute(String idempotencyKey, SpecificRecord command, SubmitOptions options)
            throws InterruptedException {
        Duration timeout = options.timeout() != null ? options.timeout() : config.defaultTimeout();
        CompletableFuture<CommandOutcome> future = submit(idempotencyKey, command, options);
        try {
            // The reader enforces the timeout; the grace only guards against a reader that stopped answering.
            return future.get(timeout.plus(BLOCKING_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CommandClientException c) {
                throw c;
            }
            throw new CommandClientException(
                    null, "submission failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new CommandTimeoutException(null, idempotencyKey, timeout);
        }
    }

    /**
     * True when {@code outcome} answers a resubmission of a key decided earlier (the processor said DUPLICATE): its
     * status is the original decision and {@code details.originalCommandId} names the command that was executed.
     */
    public static boolean isResubmission(CommandOutcome outcome) {
        return outcome.getDetails() != null && outcome.getDetails().containsKey("originalCommandId");
    }

    /** Submissions waiting for an outcome right now. */
    public int pending() {
        return reader.pendingCount();
    }

    /** The outcome partitions the reader has assigned so far (those the submitted keys map to). */
    public Set<Integer> readingPartitions() {
        return reader.assignedPartitions();
    }

    public CommandClientConfig config() {
        return config;
    }

    /** Stops the reader (waiting submissions fail with {@link CommandClientException}) and closes the producer. */
    @Override
    public void close() {
        reader.stop();
        try {
            readerThread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    private static Map<String, Object> producerProperties(CommandClientConfig config, String clientId) {
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        // A command written twice by a producer retry would still be safe (idempotency key), but not in order.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    private static Map<String, Object> consumerProperties(CommandClientConfig config, String clientId) {
        Map<String, Object> p = new HashMap<>(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-outcomes");
        // No group: the reader assigns partitions itself and never commits.
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only outcomes whose transaction committed: an aborted attempt's outcome is never handed to a caller.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
