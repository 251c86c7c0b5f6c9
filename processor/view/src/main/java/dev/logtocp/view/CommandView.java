package dev.logtocp.view;

import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatException;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running view instance: the Kafka Streams application of {@link ViewTopology} and its HTTP API
 * ({@link ViewHttp}). Instances with the same application id share the work and answer for each other. Start with
 * {@link #start}; {@link #close} stops both. The stores live under the state directory and are rebuilt from their
 * changelog topics when it is lost, so a restart never loses history.
 */
public final class CommandView implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandView.class);

    private final Vertx vertx;
    private final ViewHttp http;
    private final KafkaStreams streams;
    private final HostInfo self;
    private final ViewConfig config;

    private CommandView(ViewConfig config) {
        this.config = config;
        this.vertx = Vertx.vertx();
        ViewHttp.QueriesRef queries = new ViewHttp.QueriesRef();
        KafkaStreams[] holder = new KafkaStreams[1];
        this.http = ViewHttp.bind(
                vertx,
                config.bindHost(),
                config.bindPort(),
                config.forwardTimeout(),
                queries,
                () -> holder[0] != null && holder[0].state() == KafkaStreams.State.RUNNING);
        this.self = new HostInfo(config.advertisedHost(), http.port());
        WireFormatDeserializer avro = new WireFormatDeserializer();
        Map<String, Object> serde = new HashMap<>(config.serdeOverrides());
        serde.put("schema.registry.url", config.schemaRegistryUrl());
        serde.put("specific.avro.reader", "true");
        avro.configure(serde, false);
        this.streams = new KafkaStreams(
                ViewTopology.build(config.outcomeTopic(), config.auditTopic(), avro), streamsProperties(config, self));
        holder[0] = streams;
        streams.setUncaughtExceptionHandler(CommandView::onStreamThreadFailure);
        queries.set(new ViewQueries(streams, self));
    }

    /** Starts an instance; it answers queries once the streams application is running (see {@link #isReady}). */
    public static CommandView start(ViewConfig config) {
        CommandView view = new CommandView(config);
        view.streams.start();
        LOGGER.atInfo()
                .addKeyValue("applicationId", config.applicationId())
                .addKeyValue("server", view.self.host() + ":" + view.self.port())
                .log("view started");
        return view;
    }

    static Properties streamsProperties(ViewConfig config, HostInfo self) {
        Properties p = new Properties();
        p.putAll(config.clientOverrides());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        // A history entry appended twice after a crash would be a lie in an audit view: stores, changelogs and input
        // offsets commit together.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableRecords.class.getName());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (!config.instanceId().isEmpty()) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
        }
        return p;
    }

    /**
     * A registry outage surfaces as a failed stream thread: replace it, so the records are read again once the
     * registry is back. Anything else is a bug the view cannot work around: stop this instance (not ready any more).
     */
    private static StreamThreadExceptionResponse onStreamThreadFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WireFormatException w && w.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
                LOGGER.atWarn()
                        .addKeyValue("error", w.getMessage())
                        .log("schema registry unreachable; replacing the stream thread to read again");
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        LOGGER.atError().setCause(e).log("view stream thread failed; stopping this instance");
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** The HTTP port. */
    public int port() {
        return self.port();
    }

    /** Base URL of this instance's API, e.g. {@code http://127.0.0.1:8088}. */
    public String url() {
        return "http://" + self.host() + ":" + self.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** True while the streams application runs (and answers queries). */
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** False once the streams application stopped for good (closed or failed). */
    public boolean isRunning() {
        KafkaStreams.State s = streams.state();
        return s != KafkaStreams.State.NOT_RUNNING
                && s != KafkaStreams.State.ERROR
                && s != KafkaStreams.State.PENDING_SHUTDOWN;
    }

    /** Every instance of this view the streams metadata knows, as {@code host:port}. */
    public Set<String> knownInstances() {
        Set<String> out = new TreeSet<>();
        streams.metadataForAllStreamsClients()
                .forEach(m -> out.add(m.hostInfo().host() + ":" + m.hostInfo().port()));
        return out;
    }

    @Override
    public void close() {
        http.close();
        // A dynamic member leaves the group now, so its tasks move at once; a static one (VIEW_INSTANCE_ID) stays,
        // so that its restart gets the same tasks back without a rebalance.
        streams.close(new KafkaStreams.CloseOptions()
                .timeout(Duration.ofSeconds(30))
                .leaveGroup(config.instanceId().isEmpty()));
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .exceptionally(e -> null)
                .join();
        LOGGER.info("view stopped");
    }
}
