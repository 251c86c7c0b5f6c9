package dev.logtocp.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, combined broker and controller) in a child JVM started from this JVM's
 * classpath, so the local stack and process-kill tests need nothing installed. Storage is formatted on first start
 * and kept in {@code dataDir}, so topics (and the registry's schemas topic) survive a restart.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;

    private KafkaBrokerProcess(Process process, String bootstrapServers, Path logFile) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
    }

    /** Formats {@code dataDir} if needed, starts the broker on free loopback ports and waits until it serves. */
    public static KafkaBrokerProcess start(Path dataDir, Duration timeout) {
        try {
            Files.createDirectories(dataDir);
            int port = freePort();
            int controllerPort = freePort();
            Path config = dataDir.resolve("server.properties");
            writeConfig(config, dataDir.resolve("logs"), port, controllerPort);
            Path logFile = dataDir.resolve("broker.log");
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(config, logFile);
            }
            Process process =
                    java("kafka.Kafka", List.of(config.toString()), logFile).start();
            String bootstrap = "127.0.0.1:" + port;
            KafkaBrokerProcess broker = new KafkaBrokerProcess(process, bootstrap, logFile);
            broker.awaitReady(timeout);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logFile() {
        return logFile;
    }

    /** The broker child's process id, e.g. to read its CPU time from outside. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Like {@code kill -9}: no clean shutdown. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited during start-up; see " + logFile);
                }
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(3, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // still starting
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        throw new IllegalStateException("Kafka broker not ready within " + timeout.toSeconds() + " s; see " + logFile);
    }

    private static void writeConfig(Path config, Path logDirs, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDirs.toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // A restarted node re-registers quickly instead of waiting out the default 9 s session.
        p.setProperty("broker.session.timeout.ms", "3000");
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("auto.create.topics.enable", "false");
        try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(out, "local stack broker, written by KafkaBrokerProcess");
        }
    }

    private static void format(Path config, Path logFile) throws IOException {
        Process format = java(
                        "kafka.tools.StorageTool",
                        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()),
                        logFile)
                .start();
        try {
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting Kafka storage failed; see " + logFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private static ProcessBuilder java(String mainClass, List<String> args, Path logFile) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                javaBin,
                "-Xms256m",
                "-Xmx768m",
                "-XX:+UseG1GC",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
