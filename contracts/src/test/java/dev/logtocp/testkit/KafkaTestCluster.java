package dev.logtocp.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka for tests: an in-JVM KRaft cluster built on Apache Kafka's own {@link KafkaClusterTestKit}
 * (combined mode, one controller, {@code n} brokers, internal topics sized for {@code n}; temp directories deleted
 * on close), or a single KRaft broker in a container started by Testcontainers when a Docker engine is reachable.
 *
 * <p>Most tests should use {@link #shared()}, one lazily started single-broker cluster per JVM, so that
 * every IT of a module (failsafe runs them in one JVM) pays the start-up once. Which kind {@link #shared()} starts
 * is chosen by {@code KAFKA_TEST_CLUSTER} (environment) or {@code -Dkafka.test.cluster}: {@code auto} (the default:
 * Testcontainers when a Docker engine is reachable, else in-JVM), {@code in-jvm}, or {@code testcontainers} (fails
 * when there is no Docker engine). {@code KAFKA_TEST_IMAGE} names the container image (default
 * {@value ContainerKafka#DEFAULT_IMAGE}). Multi-broker clusters ({@link #start(int)}) and broker restarts are
 * in-JVM only.
 *
 * <p>Note: the kit pre-binds listener sockets on the wildcard address (its {@code PreboundSocketFactory});
 * clients connect through {@code localhost}.
 *
 * <p>Thread-safe: the admin client is thread-safe, {@link #consumeAll} builds a private consumer per call,
 * and {@link #restartBroker} is synchronized.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static volatile KafkaTestCluster shared;
    private boolean closed;

    /** Where {@link #shared()} runs Kafka. */
    public enum Mode {
        AUTO,
        IN_JVM,
        TESTCONTAINERS;

        /** Parses {@code auto}, {@code in-jvm} or {@code testcontainers} (case and - or _ do not matter). */
        public static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            String v = value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            for (Mode m : values()) {
                if (m.name().equals(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "KAFKA_TEST_CLUSTER must be auto, in-jvm or testcontainers, got '" + value + "'");
        }

        /** The setting in force: the system property, then the environment variable. */
        public static Mode configured() {
            String property = System.getProperty("kafka.test.cluster");
            return parse(property != null ? property : System.getenv("KAFKA_TEST_CLUSTER"));
        }
    }

    private final KafkaClusterTestKit kit;
    private final AutoCloseable container;
    private final String bootstrapServers;
    private final int brokers;
    private final Admin admin;

    private KafkaTestCluster(KafkaClusterTestKit kit, AutoCloseable container, String bootstrapServers, int brokers) {
        this.kit = kit;
        this.container = container;
        this.bootstrapServers = bootstrapServers;
        this.brokers = brokers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Wraps a started single-broker container (see {@link ContainerKafka}). */
    static KafkaTestCluster ofContainer(AutoCloseable container, String bootstrapServers) {
        KafkaTestCluster cluster = new KafkaTestCluster(null, container, bootstrapServers, 1);
        cluster.awaitBrokers(READY_TIMEOUT);
        return cluster;
    }

    /**
     * Starts what {@code mode} asks for: in {@code AUTO}, a container when a Docker engine is reachable and the
     * container starts, else the in-JVM kit.
     */
    static KafkaTestCluster startSingle(Mode mode) {
        if (mode == Mode.IN_JVM) {
            return start(1);
        }
        boolean docker = ContainerKafka.dockerReachable();
        if (mode == Mode.TESTCONTAINERS) {
            if (!docker) {
                throw new IllegalStateException("KAFKA_TEST_CLUSTER=testcontainers, but no Docker engine is reachable "
                        + "(DOCKER_HOST, /var/run/docker.sock); use auto or in-jvm");
            }
            return ContainerKafka.start();
        }
        if (docker) {
            try {
                return ContainerKafka.start();
            } catch (RuntimeException | LinkageError e) {
                System.err.println(
                        "[kafka-test-cluster] Docker is reachable but the Kafka container did not start (" + e
                                + "); using the in-JVM cluster instead. KAFKA_TEST_CLUSTER=testcontainers makes this an error.");
            }
        }
        return start(1);
    }

    /** "in-jvm" or "testcontainers": what this cluster runs on. */
    public String kind() {
        return kit != null ? "in-jvm" : "testcontainers";
    }

    /** True when {@link #restartBroker} works (the in-JVM cluster). */
    public boolean supportsBrokerRestart() {
        return kit != null;
    }

    /** Starts a cluster of {@code brokers} brokers and blocks until every broker is registered and unfenced. */
    public static KafkaTestCluster start(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("need at least one broker");
        }
        String replication = Integer.toString(Math.min(3, brokers));
        KafkaClusterTestKit kit = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .setCombined(true)
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(brokers)
                    .build();
            kit = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", replication)
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", replication)
                    .setConfigProp("transaction.state.log.min.isr", Integer.toString(Math.min(2, brokers)))
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", replication)
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("default.replication.factor", replication)
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("log.cleaner.backoff.ms", "1000")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            KafkaTestCluster cluster = new KafkaTestCluster(kit, null, kit.bootstrapServers(), brokers);
            cluster.awaitBrokers(READY_TIMEOUT);
            return cluster;
        } catch (Exception e) {
            if (kit != null) {
                try {
                    kit.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("in-JVM Kafka cluster did not start", e);
        }
    }

    /**
     * One single-broker cluster per JVM, started on first use (in-JVM or in a container, see the class comment)
     * and closed by a shutdown hook.
     */
    public static KafkaTestCluster shared() {
        KafkaTestCluster cluster = shared;
        if (cluster == null) {
            synchronized (KafkaTestCluster.class) {
                cluster = shared;
                if (cluster == null) {
                    cluster = startSingle(Mode.configured());
                    System.err.println("[kafka-test-cluster] shared cluster: " + cluster.kind() + " at "
                            + cluster.bootstrapServers());
                    KafkaTestCluster toClose = cluster;
                    Runtime.getRuntime().addShutdownHook(new Thread(toClose::close, "kafka-test-cluster-close"));
                    shared = cluster;
                }
            }
        }
        return cluster;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The shared admin client; do not close it. */
    public Admin admin() {
        return admin;
    }

    public int brokerCount() {
        return brokers;
    }

    /** Creates a topic (replication min(3, brokers)) and waits until every broker knows it; idempotent. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        NewTopic topic = new NewTopic(name, partitions, (short) Math.min(3, brokers)).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
        if (kit != null) {
            waitUntil(
                    Duration.ofSeconds(30),
                    "topic " + name + " visible on every broker",
                    () -> kit.brokers().values().stream()
                            .allMatch(b -> b.metadataCache().contains(name)));
        } else {
            waitUntil(Duration.ofSeconds(30), "topic " + name + " described with leaders", () -> {
                try {
                    var description = admin.describeTopics(List.of(name))
                            .allTopicNames()
                            .get(5, TimeUnit.SECONDS)
                            .get(name);
                    return description.partitions().stream().allMatch(p -> p.leader() != null);
                } catch (ExecutionException | TimeoutException e) {
                    return false;
                }
            });
        }
    }

    /** Client properties with {@code bootstrap.servers} only. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    /**
     * Reads {@code topic} from the beginning with a {@code read_committed} consumer until
     * {@code expectedCount} records arrived or {@code timeout} passed; returns what it got (possibly fewer).
     */
    public <K, V> List<ConsumerRecord<K, V>> consumeAll(
            String topic,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer,
            int expectedCount,
            Duration timeout) {
        Properties props = clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expectedCount && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Stops and restarts one broker (same port, same data); blocks until the cluster sees it again. In
     * combined mode the controller of node 0 keeps running, only the broker role restarts.
     */
    public synchronized void restartBroker(int brokerId) {
        if (kit == null) {
            throw new UnsupportedOperationException(
                    "broker restarts need the in-JVM cluster (KAFKA_TEST_CLUSTER=in-jvm)");
        }
        BrokerServer broker = kit.brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException(
                    "no broker " + brokerId + "; brokers are " + kit.brokers().keySet());
        }
        broker.shutdown();
        broker.awaitShutdown();
        broker.startup();
        try {
            kit.waitForReadyBrokers();
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker " + brokerId + " did not come back", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted restarting broker " + brokerId, e);
        }
        awaitBrokers(READY_TIMEOUT);
    }

    private void awaitBrokers(Duration timeout) {
        waitUntil(timeout, brokers + " brokers visible to clients", () -> {
            try {
                return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == brokers;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        });
    }

    private interface Condition {
        boolean holds() throws InterruptedException;
    }

    private static void waitUntil(Duration timeout, String what, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.holds()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out waiting for " + what);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /**
     * Closes the shared cluster if one was started. Called when the JUnit launcher session ends, before the test
     * JVM exits: a broker shutdown inside a JVM shutdown hook can outlast Surefire's exit timeout on a busy
     * machine, and Surefire then halts the fork with a non-zero exit code.
     */
    public static void closeShared() {
        KafkaTestCluster cluster = shared;
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(5));
        try {
            if (kit != null) {
                kit.close();
            } else {
                container.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(kind() + " Kafka cluster did not close cleanly", e);
        }
    }
}
