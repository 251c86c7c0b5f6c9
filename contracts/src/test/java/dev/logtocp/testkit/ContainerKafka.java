package dev.logtocp.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts a single KRaft Kafka broker in a container with Testcontainers, configured like the in-JVM cluster
 * (single-partition internal topics, no topic auto-creation, no initial rebalance delay). Only loaded when a
 * Docker engine may be there, so modules and machines without Docker never touch Testcontainers.
 */
final class ContainerKafka {
    static final String DEFAULT_IMAGE = "apache/kafka:4.1.1";

    private ContainerKafka() {}

    /**
     * True when a Docker engine answers. Cheap and quiet when there is plainly none (no DOCKER_HOST and no socket
     * file), so machines without Docker do not pay for Testcontainers' own discovery.
     */
    static boolean dockerReachable() {
        if (!hints()) {
            return false;
        }
        try {
            Class.forName("org.testcontainers.DockerClientFactory");
        } catch (ClassNotFoundException e) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static boolean hints() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        for (String socket : new String[] {
            "/var/run/docker.sock",
            home + "/.docker/run/docker.sock",
            home + "/.docker/desktop/docker.sock",
            runtime == null ? "" : runtime + "/docker.sock"
        }) {
            if (!socket.isEmpty() && Files.exists(Path.of(socket))) {
                return true;
            }
        }
        return Files.exists(Path.of(home, ".testcontainers.properties"));
    }

    static KafkaTestCluster start() {
        String image = System.getenv().getOrDefault("KAFKA_TEST_IMAGE", DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(
                        DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1")
                .withEnv("KAFKA_LOG_CLEANER_BACKOFF_MS", "1000");
        container.start();
        try {
            return KafkaTestCluster.ofContainer(container, container.getBootstrapServers());
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
    }
}
