package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.commands.UserSuspend;
import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.command.ExecutionContext;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.processor.command.HandlerResult;
import dev.logtocp.processor.command.RetryPolicy;
import dev.logtocp.processor.config.EngineSettings;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.config.LogtoSettings;
import dev.logtocp.processor.config.Secret;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.LedgerCodec;
import dev.logtocp.processor.idempotency.LedgerRestorer;
import dev.logtocp.processor.idempotency.LedgerStore;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CallLimiter;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.logto.LogtoClient;
import dev.logtocp.processor.logto.RateLimiter;
import dev.logtocp.processor.logto.RequestTimeout;
import dev.logtocp.processor.logto.RetryBudget;
import dev.logtocp.processor.logto.TokenProvider;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.processor.ownership.OwnershipGate;
import dev.logtocp.processor.security.CommandGate;
import dev.logtocp.processor.security.PolicyStore;
import dev.logtocp.schema.wire.WireFormat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A real {@link CommandLoop} wired to Kafka's mock clients, real Vert.x contexts, a real executor, ledger and
 * restorer, and a scripted {@link UserSuspend} handler. The mocks are extended just enough to behave like a broker
 * for what the loop relies on: the consumer reads from a log (so a seek back reads records again, which the plain
 * {@code MockConsumer} cannot do because it forgets records once polled) and its committed offsets are the ones
 * the producer's transactions committed (the group coordinator's part).
 */
final class LoopFixture implements AutoCloseable {
    static final String TOPIC = "cmds";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    static final String ISSUER = "svc";
    static final Duration WAIT = Duration.ofSeconds(10);

    final KafkaSettings kafka = new KafkaSettings(
            "localhost:9",
            "group",
            "i1",
            List.of(TOPIC),
            "outcomes",
            "audit",
            "dlq",
            "cmds.ledger",
            "cmds.refs",
            "http://registry.invalid",
            Map.of(),
            Map.of());
    final Vertx vertx = Vertx.vertx();
    final Map<TopicPartition, OffsetAndMetadata> group = new ConcurrentHashMap<>();
    final LogConsumer consumer = new LogConsumer(group);
    final TxProducer producer = new TxProducer(group);
    final StubHandler handler = new StubHandler(vertx);
    final Map<String, SpecificRecord> payloads = new ConcurrentHashMap<>();
    /** Command ids whose next n decodes find the schema registry unreachable. */
    final Map<String, AtomicInteger> registryDown = new ConcurrentHashMap<>();
    /** Every decode attempt, by command id (the record's bytes). */
    final List<String> decodes = new CopyOnWriteArrayList<>();

    final ProcessorMetrics metrics = new ProcessorMetrics();
    final IdempotencyLedger ledger;
    final CommandLoop loop;
    private final Thread thread;

    LoopFixture(Path stateDir, int maxAttempts) {
        this(stateDir, maxAttempts, PolicyStore.allowAll());
    }

    LoopFixture(Path stateDir, int maxAttempts, PolicyStore policies) {
        this(stateDir, maxAttempts, policies, true);
    }

    LoopFixture(Path stateDir, int maxAttempts, PolicyStore policies, boolean commitBarrier) {
        Clock clock = Clock.systemUTC();
        EngineSettings engine = new EngineSettings(
                16,
                1000,
                maxAttempts,
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                1 << 20,
                Duration.ofMillis(5),
                Duration.ofSeconds(5),
                Duration.ofDays(7),
                2,
                stateDir,
                commitBarrier);
        ledger = new IdempotencyLedger(
                engine.ledgerRetention(),
                clock,
                new LedgerCodec(kafka.ledgerTopic(), AVRO_READ),
                LedgerStore.open(stateDir, engine.ledgerRetention()));
        ReferenceMap references = new ReferenceMap();
        MockConsumer<byte[], byte[]> restoreConsumer = new MockConsumer<>("earliest");
        Map<TopicPartition, Long> empty = new HashMap<>();
        for (String topic : List.of(kafka.ledgerTopic(), kafka.referencesTopic(), kafka.auditTopic())) {
            for (int p = 0; p < 2; p++) {
                empty.put(new TopicPartition(topic, p), 0L);
            }
        }
        restoreConsumer.updateBeginningOffsets(empty);
        restoreConsumer.updateEndOffsets(empty);
        LedgerRestorer restorer = new LedgerRestorer(
                restoreConsumer, AVRO_READ, ledger, kafka.ledgerTopic(), references, kafka.referencesTopic());

        CallLimiter limiter = CallLimiter.fixed(16, clock);
        WebClient web = WebClient.create(vertx);
        LogtoSettings logto = new LogtoSettings(
                URI.create("http://127.0.0.1:9"),
                "app",
                new Secret("secret"),
                "https://default.logto.app/api",
                Duration.ofSeconds(1),
                16,
                0,
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Optional.empty());
        LogtoClient client = new LogtoClient(new LogtoClient.Wiring(
                vertx,
                web,
                new TokenProvider(web, logto, clock),
                logto.baseUrl(),
                RequestTimeout.of(logto.requestTimeout(), logto.requestTimeout()),
                new RateLimiter(0),
                limiter,
                (operation, status, took) -> {}));
        CircuitBreaker breaker = new CircuitBreaker(1000, Duration.ofSeconds(1), Duration.ofSeconds(5), clock);
        CommandExecutor executor = new CommandExecutor(
                vertx,
                client,
                references,
                new RetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(5)),
                new CommandExecutor.Protection(breaker, limiter, RetryBudget.of(1.0, 10_000)),
                type -> {},
                clock);
        Context scheduler = vertx.getOrCreateContext();
        List<Context> execution = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext());
        Deserializer<Object> commands = (topic, bytes) -> {
            String id = new String(bytes, StandardCharsets.UTF_8);
            decodes.add(id);
            AtomicInteger down = registryDown.get(id);
            if (down != null && down.getAndDecrement() > 0) {
                // How a drop-in deserializer says the registry is unreachable: an IOException cause.
                throw new SerializationException("registry unreachable", new IOException("connection refused"));
            }
            SpecificRecord command = payloads.get(id);
            if (command == null) {
                throw new SerializationException("not a test payload");
            }
            return command;
        };
        loop = new CommandLoop(
                new CommandLoop.Clients(consumer, producer, AVRO_WRITE, commands),
                new CommandLoop.Execution(
                        new HandlerRegistry(List.of(handler)),
                        new CommandGate(policies),
                        executor,
                        scheduler,
                        execution,
                        breaker),
                new CommandLoop.Stores(ledger, references, restorer),
                new CommandLoop.Settings(kafka, engine),
                new CommandLoop.Ownership(
                        new OwnershipGate(Duration.ofSeconds(60), System::nanoTime),
                        Duration.ofSeconds(1),
                        commitBarrier),
                metrics,
                clock);
        thread = new Thread(loop, "command-loop-under-test");
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    /** Starts the loop; its first poll is assigned {@code partitions}. */
    LoopFixture start(TopicPartition... partitions) {
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(partitions)));
        thread.start();
        await("partitions assigned", loop::isAssigned);
        return this;
    }

    /** Publishes a UserSuspend command to the command topic; its bytes are its command id. */
    ConsumerRecord<byte[], byte[]> send(
            TopicPartition tp, String recordKey, String commandId, String idempotencyKey, boolean suspended) {
        return send(tp, recordKey, commandId, idempotencyKey, suspended, ISSUER);
    }

    ConsumerRecord<byte[], byte[]> send(
            TopicPartition tp,
            String recordKey,
            String commandId,
            String idempotencyKey,
            boolean suspended,
            String issuer) {
        UserSuspend command = UserSuspend.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId(commandId)
                        .setIdempotencyKey(idempotencyKey)
                        .setIssuer(issuer)
                        .setIssuedAt(Instant.parse("2026-12-01T12:00:00Z"))
                        .build())
                .setUser(UserRef.newBuilder()
                        .setKind(UserRefKind.ID)
                        .setValue("u-" + recordKey)
                        .build())
                .setSuspended(suspended)
                .build();
        payloads.put(commandId, command);
        return consumer.append(tp, recordKey, commandId.getBytes(StandardCharsets.UTF_8));
    }

    ConsumerRecord<byte[], byte[]> send(String recordKey, String commandId) {
        return send(P0, recordKey, commandId, "key-" + commandId, true);
    }

    /** Outputs committed to {@code topic}, in commit order. */
    List<ProducerRecord<byte[], byte[]>> committed(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    List<CommandOutcome> outcomes() {
        return committed(kafka.outcomeTopic()).stream()
                .map(r -> decode(r.value(), CommandOutcome.class))
                .toList();
    }

    List<AuditEvent> auditEvents() {
        return committed(kafka.auditTopic()).stream()
                .map(r -> decode(r.value(), AuditEvent.class))
                .toList();
    }

    List<CommandOutcome> outcomesOf(String commandId) {
        return outcomes().stream()
                .filter(o -> o.getCommandId().equals(commandId))
                .toList();
    }

    /** The group offset of {@code tp} the last committed transaction left, or -1. */
    long committedOffset(TopicPartition tp) {
        OffsetAndMetadata offset = group.get(tp);
        return offset == null ? -1 : offset.offset();
    }

    void awaitOutcomes(int n) {
        await(n + " committed outcomes", () -> outcomes().size() >= n);
    }

    /**
     * Waits until nothing is in flight and nothing more has been published for a while, so that "exactly one"
     * assertions also see whatever would come late (a second run, a re-publication).
     */
    void awaitQuiet() {
        Instant deadline = Instant.now().plus(WAIT);
        int size = -1;
        Instant stableSince = Instant.now();
        while (true) {
            int now = producer.history().size();
            if (now != size || loop.inFlight() > 0) {
                size = now;
                stableSince = Instant.now();
            } else if (Duration.between(stableSince, Instant.now()).toMillis() >= 300) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("still publishing after " + WAIT.toSeconds() + " s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Override
    public void close() throws Exception {
        loop.stop();
        boolean stopped = loop.awaitStopped(Duration.ofSeconds(20));
        vertx.close().await(10, TimeUnit.SECONDS);
        ledger.close();
        if (!stopped) {
            throw new AssertionError("the loop did not stop within 20 s");
        }
    }

    static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static <T extends SpecificRecordBase> T decode(byte[] value, Class<T> type) {
        try {
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(value, WireFormat.HEADER_SIZE, value.length - WireFormat.HEADER_SIZE, null);
            return new SpecificDatumReader<>(type).read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The registry wire format without a registry: magic byte, schema id 1, Avro binary datum. */
    static final Serializer<Object> AVRO_WRITE = (topic, value) -> {
        if (!(value instanceof SpecificRecord record)) {
            throw new SerializationException("not an Avro record: " + value);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {WireFormat.MAGIC_BYTE, 0, 0, 0, 1});
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    /** Reads back what {@link #AVRO_WRITE} wrote on the ledger topic (the only state the loop decodes itself). */
    static final Deserializer<Object> AVRO_READ = (topic, bytes) -> decode(bytes, LedgerEntry.class);

    /**
     * A consumer over an in-memory log. Positions, seeks, pauses, subscription and rebalance callbacks are
     * {@code MockConsumer}'s own; records come from the log at the position, as a broker would serve them.
     */
    static final class LogConsumer extends MockConsumer<byte[], byte[]> {
        private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new HashMap<>();
        private final Map<TopicPartition, OffsetAndMetadata> group;
        /** Every seek the loop made (not the fetches' own position moves). */
        final List<Map.Entry<TopicPartition, Long>> seeks = new CopyOnWriteArrayList<>();

        LogConsumer(Map<TopicPartition, OffsetAndMetadata> group) {
            super("earliest");
            this.group = group;
        }

        synchronized ConsumerRecord<byte[], byte[]> append(TopicPartition tp, String key, byte[] value) {
            List<ConsumerRecord<byte[], byte[]>> records = log.computeIfAbsent(tp, t -> new ArrayList<>());
            ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                    tp.topic(),
                    tp.partition(),
                    records.size(),
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    value);
            records.add(record);
            notifyAll();
            return record;
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                // Poll tasks (rebalances), wakeups and pending offset resets are MockConsumer's.
                super.poll(Duration.ZERO);
                ConsumerRecords<byte[], byte[]> fetched = fetch();
                long left = deadline - System.nanoTime();
                if (!fetched.isEmpty() || left <= 0) {
                    return fetched;
                }
                try {
                    wait(Math.max(1, Math.min(10, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return fetched;
                }
            }
        }

        private ConsumerRecords<byte[], byte[]> fetch() {
            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            Set<TopicPartition> paused = paused();
            for (TopicPartition tp : assignment()) {
                if (paused.contains(tp)) {
                    continue;
                }
                long position = position(tp);
                List<ConsumerRecord<byte[], byte[]>> records = log.getOrDefault(tp, List.of()).stream()
                        .filter(r -> r.offset() >= position)
                        .limit(500)
                        .toList();
                if (!records.isEmpty()) {
                    long after = records.get(records.size() - 1).offset() + 1;
                    super.seek(tp, after);
                    out.put(tp, records);
                    next.put(tp, new OffsetAndMetadata(after));
                }
            }
            return new ConsumerRecords<>(out, next);
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            seeks.add(Map.entry(partition, offset));
            super.seek(partition, offset);
        }

        @Override
        public synchronized void wakeup() {
            super.wakeup();
            notifyAll();
        }

        /** The group's committed offsets are those the transactions committed. */
        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata offset = group.get(tp);
                if (offset != null) {
                    out.put(tp, offset);
                }
            }
            return out;
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(
                Set<TopicPartition> partitions, Duration timeout) {
            return committed(partitions);
        }

        /**
         * As a broker does: a newly assigned partition is read from the group's committed offset. As
         * {@code KafkaConsumer} does (and {@code MockConsumer} does not): an exception of the rebalance listener
         * comes out of {@code poll} wrapped in a {@link KafkaException}.
         */
        @Override
        public synchronized void rebalance(Collection<TopicPartition> newAssignment) {
            Set<TopicPartition> before = Set.copyOf(assignment());
            try {
                super.rebalance(newAssignment);
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KafkaException("User rebalance callback throws an error", e);
            }
            for (TopicPartition tp : newAssignment) {
                OffsetAndMetadata offset = group.get(tp);
                if (!before.contains(tp) && offset != null) {
                    super.seek(tp, offset.offset());
                }
            }
        }
    }

    /**
     * A transactional {@code MockProducer} whose committed offsets become the group's, that can fail one commit,
     * and whose commit and abort are atomic with respect to {@link #history()} (read by the test thread).
     */
    static final class TxProducer extends MockProducer<byte[], byte[]> {
        private final Map<TopicPartition, OffsetAndMetadata> group;
        private final Map<TopicPartition, OffsetAndMetadata> pendingOffsets = new HashMap<>();
        final AtomicReference<RuntimeException> failNextCommit = new AtomicReference<>();
        final AtomicInteger aborts = new AtomicInteger();

        TxProducer(Map<TopicPartition, OffsetAndMetadata> group) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.group = group;
        }

        @Override
        public synchronized void sendOffsetsToTransaction(
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
            super.sendOffsetsToTransaction(offsets, groupMetadata);
            pendingOffsets.putAll(offsets);
        }

        @Override
        public synchronized void commitTransaction() {
            RuntimeException failure = failNextCommit.getAndSet(null);
            if (failure != null) {
                throw failure;
            }
            super.commitTransaction();
            group.putAll(pendingOffsets);
            pendingOffsets.clear();
        }

        @Override
        public synchronized void abortTransaction() {
            super.abortTransaction();
            pendingOffsets.clear();
            aborts.incrementAndGet();
        }

        @Override
        public synchronized void beginTransaction() {
            super.beginTransaction();
        }
    }

    /**
     * The one command type the loop under test executes. Every call is counted by command id; the script decides,
     * per command id, what the handler answers (default: success at once).
     */
    static final class StubHandler implements CommandHandler<UserSuspend> {
        private final Vertx vertx;
        final Map<String, Function<UserSuspend, Future<HandlerResult>>> script = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        /** Command ids in the order their executions started. */
        final List<String> started = Collections.synchronizedList(new ArrayList<>());

        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();

        StubHandler(Vertx vertx) {
            this.vertx = vertx;
        }

        int calls(String commandId) {
            AtomicInteger n = calls.get(commandId);
            return n == null ? 0 : n.get();
        }

        int totalCalls() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        /** Succeeds after {@code millis}, on the calling context. */
        Future<HandlerResult> succeedAfter(long millis) {
            Promise<HandlerResult> done = Promise.promise();
            vertx.setTimer(millis, id -> done.complete(HandlerResult.succeeded("uid", Map.of())));
            return done.future();
        }

        @Override
        public Class<UserSuspend> commandType() {
            return UserSuspend.class;
        }

        @Override
        public String action() {
            return "user.suspend";
        }

        @Override
        public CommandMeta meta(UserSuspend command) {
            return command.getMeta();
        }

        @Override
        public Optional<UserRef> target(UserSuspend command) {
            return Optional.of(command.getUser());
        }

        @Override
        public List<FieldError> validate(UserSuspend command) {
            return List.of();
        }

        @Override
        public List<String> changedFields(UserSuspend command) {
            return List.of("isSuspended");
        }

        @Override
        public Future<HandlerResult> execute(UserSuspend command, ExecutionContext context) {
            String id = command.getMeta().getCommandId();
            calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            started.add(id);
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            Function<UserSuspend, Future<HandlerResult>> answer = script.get(id);
            Future<HandlerResult> result = answer == null
                    ? Future.succeededFuture(HandlerResult.succeeded("uid", Map.of()))
                    : answer.apply(command);
            return result.andThen(ar -> running.decrementAndGet());
        }
    }
}
