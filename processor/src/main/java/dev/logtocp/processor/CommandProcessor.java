package dev.logtocp.processor;

import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.HandlerRegistry;
import dev.logtocp.processor.command.RecipientKeys;
import dev.logtocp.processor.command.RetryPolicy;
import dev.logtocp.processor.config.EngineSettings;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.config.LogtoSettings;
import dev.logtocp.processor.config.OverloadSettings;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.processor.console.OperatorConsole;
import dev.logtocp.processor.http.HttpEndpoint;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.idempotency.LedgerCodec;
import dev.logtocp.processor.idempotency.LedgerRestorer;
import dev.logtocp.processor.idempotency.LedgerStore;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.kafka.CommandLoop;
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
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running processor instance: wires configuration, the Logto client, the handlers, the scheduler and the
 * consumer loop together, and takes them down in order. Start it with {@link #start}; {@link #close} drains
 * in-flight work (up to {@code SHUTDOWN_TIMEOUT_MS}) and commits it before returning.
 */
public final class CommandProcessor implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandProcessor.class);

    private final Vertx vertx;
    private final CommandLoop loop;
    private final Thread loopThread;
    private final ProcessorMetrics metrics;
    private final ProcessorConfig config;
    private final HttpEndpoint http;
    private final PolicyStore policies;
    private final IdempotencyLedger ledger;
    private final OperatorConsole console;

    private CommandProcessor(ProcessorConfig config) {
        this.config = config;
        this.vertx = Vertx.vertx();
        this.metrics = new ProcessorMetrics();
        Clock clock = Clock.systemUTC();
        LogtoSettings logto = config.logto();
        EngineSettings engine = config.engine();
        WebClientOptions webOptions = new WebClientOptions()
                .setKeepAlive(true)
                .setUserAgent("logto-command-processor")
                .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, logto.requestTimeout().toMillis()))
                // Never trust-all: certificates and host names of an https endpoint are always checked.
                .setTrustAll(false)
                .setVerifyHost(true);
        logto.caFile().ifPresent(ca -> webOptions.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        WebClient web = WebClient.create(vertx, webOptions, new PoolOptions().setHttp1MaxSize(logto.maxConnections()));
        TokenProvider tokens = new TokenProvider(web, logto, clock);
        OverloadSettings overload = config.overload();
        // Commands are bounded by MAX_IN_FLIGHT and each has at most one call out, so the limit's ceiling is that.
        CallLimiter limiter = overload.adaptive()
                ? CallLimiter.adaptive(overload.minLimit(), overload.initialLimit(), engine.maxInFlight(), clock)
                : CallLimiter.fixed(engine.maxInFlight(), clock);
        RequestTimeout timeout = RequestTimeout.of(logto.requestTimeout(), overload.requestTimeoutMax());
        RetryBudget budget = RetryBudget.of(overload.retryBudgetPercent() / 100.0, overload.retryBudgetMinPerSecond());
        metrics.gauge(
                ProcessorMetrics.LOGTO_CONCURRENCY_LIMIT,
                "concurrent Logto calls allowed now (adaptive limit)",
                limiter::limit);
        metrics.gauge(ProcessorMetrics.LOGTO_CALLS_IN_FLIGHT, "Logto calls on the wire", limiter::inFlight);
        metrics.gauge(
                ProcessorMetrics.LOGTO_CALLS_WAITING,
                "Logto calls waiting for a permit of the limit",
                limiter::waiting);
        metrics.gaugeSeconds(
                ProcessorMetrics.LOGTO_REQUEST_TIMEOUT, "request timeout in force", () -> timeout.millis() / 1000.0);
        metrics.gauge(ProcessorMetrics.RETRY_BUDGET_TOKENS, "retries the budget allows now", budget::tokens);
        LogtoClient client = new LogtoClient(new LogtoClient.Wiring(
                vertx,
                web,
                tokens,
                logto.baseUrl(),
                timeout,
                new RateLimiter(logto.rateLimitPerSecond()),
                limiter,
                metrics::logtoRequest));
        CircuitBreaker breaker =
                new CircuitBreaker(logto.breakerThreshold(), logto.breakerOpen(), logto.breakerMaxOpen(), clock);
        metrics.gauge(
                ProcessorMetrics.BREAKER_STATE,
                "0 closed, 1 open, 2 half-open",
                () -> breaker.state().ordinal());
        metrics.gauge(ProcessorMetrics.BREAKER_OPENS, "times the circuit breaker opened", breaker::opens);
        this.policies = config.security()
                .issuerPolicyFile()
                .map(file -> PolicyStore.open(file, config.security().policyCheckInterval()))
                .orElseGet(() -> {
                    LOGGER.warn("no ISSUER_POLICY_FILE: every issuer may send every command, unsigned");
                    return PolicyStore.allowAll();
                });
        ReferenceMap references = new ReferenceMap();
        CommandExecutor executor = new CommandExecutor(
                vertx,
                client,
                references,
                new RetryPolicy(engine.maxAttempts(), engine.retryBaseDelay(), engine.retryMaxDelay()),
                new CommandExecutor.Protection(breaker, limiter, budget),
                metrics::retried,
                clock);
        // One context runs the scheduler, so its per-key state needs no locks; the handlers' HTTP work is spread
        // over one context per event loop, because one event loop saturates at about a thousand commands a second.
        Context context = vertx.getOrCreateContext();
        List<Context> executionContexts = new ArrayList<>();
        for (int i = 0; i < engine.executionThreads(); i++) {
            executionContexts.add(vertx.getOrCreateContext());
        }
        KafkaSettings kafka = config.kafka();
        Deserializer<Object> values = valueDeserializer(kafka);
        this.ledger = new IdempotencyLedger(
                engine.ledgerRetention(),
                clock,
                new LedgerCodec(kafka.ledgerTopic(), values),
                LedgerStore.open(engine.stateDir(), engine.ledgerRetention()));
        LedgerRestorer restorer = new LedgerRestorer(
                new KafkaConsumer<>(LedgerRestorer.consumerProperties(
                        kafka.clientOverrides(), kafka.bootstrapServers(), kafka.transactionalId() + "-state-restore")),
                values,
                ledger,
                kafka.ledgerTopic(),
                references,
                kafka.referencesTopic());
        HandlerRegistry handlers = HandlerRegistry.standard(config.security()
                .passwordResetKeysDir()
                .map(RecipientKeys::load)
                .orElseGet(RecipientKeys::none));
        this.loop = new CommandLoop(
                new CommandLoop.Clients(
                        new KafkaConsumer<>(consumerProperties(kafka)),
                        new KafkaProducer<>(producerProperties(kafka)),
                        valueSerializer(kafka),
                        values),
                new CommandLoop.Execution(
                        handlers, new CommandGate(policies), executor, context, executionContexts, breaker),
                new CommandLoop.Stores(ledger, references, restorer),
                new CommandLoop.Settings(kafka, engine),
                ownership(kafka, logto, engine),
                metrics,
                clock);
        metrics.gauge(ProcessorMetrics.IN_FLIGHT, "commands read and not finished", loop::inFlight);
        metrics.gauge(
                ProcessorMetrics.LEDGER_ENTRIES,
                "idempotency ledger entries in the local store (RocksDB estimate)",
                ledger::size);
        this.loopThread = new Thread(loop, "command-loop");
        BooleanSupplier ready = () -> loopThread.isAlive() && loop.isAssigned() && metrics.isLedgerRestored();
        this.console = config.http().enabled()
                ? new OperatorConsole(
                        vertx,
                        config,
                        new OperatorConsole.EngineView(breaker, loop::inFlight, loopThread::isAlive, ready),
                        () -> valueDeserializer(kafka),
                        serdeProperties(kafka))
                : null;
        this.http = config.http().enabled()
                ? HttpEndpoint.start(vertx, config.http(), metrics, ledger, loopThread::isAlive, ready, console)
                : null;
    }

    public static CommandProcessor start(ProcessorConfig config) {
        TopicCheck.requireCoPartitioned(config.kafka(), config.engine().ledgerRetention());
        CommandProcessor processor = new CommandProcessor(config);
        processor.loopThread.start();
        LOGGER.atInfo()
                .addKeyValue("group", config.kafka().groupId())
                .addKeyValue("instance", config.kafka().instanceId())
                .addKeyValue("topics", config.kafka().commandTopics())
                .log("processor started");
        return processor;
    }

    /** Port of the health/metrics endpoint, or -1 when disabled. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public ProcessorMetrics metrics() {
        return metrics;
    }

    /** True while the consumer loop runs; false after {@link #close} or a fatal error. */
    public boolean isRunning() {
        return loopThread.isAlive();
    }

    public Throwable failure() {
        return loop.failure();
    }

    /** Blocks until the loop stopped on its own (a fatal error) or the timeout passed. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return loop.awaitStopped(timeout);
    }

    @Override
    public void close() {
        loop.stop();
        if (http != null) {
            http.close();
        }
        if (console != null) {
            console.close();
        }
        try {
            loop.awaitStopped(config.engine().shutdownTimeout().plusSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        policies.close();
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
        // Last: event loops and the consumer thread may use the ledger until they are gone.
        ledger.close();
        LOGGER.info("processor stopped");
    }

    /**
     * The lease bound comes from the consumer's own session and poll timeouts (as configured, or Kafka's defaults),
     * so it follows whatever the operator sets through {@code KAFKA_CLIENT_*}.
     */
    static CommandLoop.Ownership ownership(KafkaSettings kafka, LogtoSettings logto, EngineSettings engine) {
        ConsumerConfig consumer = new ConsumerConfig(consumerProperties(kafka));
        Duration lease = OwnershipGate.leaseBound(
                Duration.ofMillis(consumer.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)),
                Duration.ofMillis(consumer.getInt(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)));
        LOGGER.atInfo()
                .addKeyValue("leaseMs", lease.toMillis())
                .addKeyValue(
                        "revocationWaitMs",
                        logto.requestTimeout().plusSeconds(1).toMillis())
                .addKeyValue("commitBarrier", engine.commitBarrier() ? "on" : "off")
                .log("ownership lease; a revocation waits revocationWaitMs for Logto calls on the wire");
        return new CommandLoop.Ownership(
                new OwnershipGate(lease, System::nanoTime),
                logto.requestTimeout().plusSeconds(1),
                engine.commitBarrier());
    }

    static Map<String, Object> consumerProperties(KafkaSettings kafka) {
        Map<String, Object> p = new HashMap<>(kafka.clientOverrides());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.transactionalId() + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Commands published in an aborted upstream transaction must never run.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    static Map<String, Object> producerProperties(KafkaSettings kafka) {
        Map<String, Object> p = new HashMap<>(kafka.clientOverrides());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, kafka.transactionalId() + "-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // AddOffsetsToTxn and EndTxn sent while the previous transaction's markers are still being written get
        // CONCURRENT_TRANSACTIONS and are retried after retry.backoff.ms (100 ms by default, growing to 1 s); with a
        // transaction every few tens of milliseconds that stalled commits by 100 ms to 3 s in the benchmark.
        p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    static Map<String, Object> serdeProperties(KafkaSettings kafka) {
        Map<String, Object> p = new HashMap<>(kafka.serdeOverrides());
        p.put("schema.registry.url", kafka.schemaRegistryUrl());
        p.putIfAbsent("auto.register.schemas", "true");
        p.putIfAbsent("specific.avro.reader", "true");
        return p;
    }

    private static Serializer<Object> valueSerializer(KafkaSettings kafka) {
        WireFormatSerializer serializer = new WireFormatSerializer();
        serializer.configure(serdeProperties(kafka), false);
        return serializer;
    }

    private static Deserializer<Object> valueDeserializer(KafkaSettings kafka) {
        WireFormatDeserializer deserializer = new WireFormatDeserializer();
        deserializer.configure(serdeProperties(kafka), false);
        return deserializer;
    }
}
