package dev.logtocp.view;

import dev.logtocp.client.CommandClient;
import dev.logtocp.client.CommandClientConfig;
import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.testkit.KafkaTestCluster;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Real components for the view's integration tests: the shared in-JVM Kafka, a registry, the Logto simulator, any
 * number of processors in one group, any number of view instances of one application, and a {@link CommandClient}
 * to send commands with. Fresh topics and names per instance.
 */
final class ViewStack implements AutoCloseable {
    static final String ISSUER = "view-it";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final KafkaTestCluster kafka = KafkaTestCluster.shared();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final TopicContract topics;
    final SchemaRegistryServer registry;
    final LogtoSimulator logto;
    final CommandClient client;
    private final List<CommandProcessor> processors = new ArrayList<>();
    private final List<CommandView> views = new ArrayList<>();
    private final List<Path> stateDirs = new ArrayList<>();

    ViewStack(int partitions) {
        topics = new TopicContract(
                "commands-" + suffix, "outcomes-" + suffix, "audit-" + suffix, "dlq-" + suffix, partitions, (short) 1);
        TopicProvisioner.createMissing(kafka.admin(), topics);
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-" + suffix));
        logto = LogtoSimulator.start(SimulatorConfig.defaults());
        client = CommandClient.create(CommandClientConfig.builder(kafka.bootstrapServers(), registry.url(), ISSUER)
                .commandTopic(topics.commands())
                .outcomeTopic(topics.outcomes())
                .defaultTimeout(Duration.ofSeconds(60))
                .build());
    }

    /** Starts a processor instance in this stack's group. */
    CommandProcessor startProcessor(String instanceId) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("KAFKA_GROUP_ID", "processor-" + suffix);
        env.put("PROCESSOR_INSTANCE_ID", instanceId);
        env.put("COMMAND_TOPICS", topics.commands());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("DEAD_LETTER_TOPIC", topics.deadLetters());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("LOGTO_ENDPOINT", logto.endpoint());
        env.put("LOGTO_M2M_APP_ID", logto.appId());
        env.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        env.put("LOGTO_RESOURCE", logto.resource());
        env.put("MAX_IN_FLIGHT", "32");
        env.put("EXECUTION_THREADS", "1");
        env.put("STATE_DIR", newDir("processor-state").toString());
        CommandProcessor processor = CommandProcessor.start(ProcessorConfig.fromMap(env));
        processors.add(processor);
        return processor;
    }

    /** A fresh state directory for a view instance. */
    Path newDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            stateDirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a view instance of this stack's application on a free port with {@code stateDir}, dynamic membership. */
    CommandView startView(Path stateDir) {
        return startView(stateDir, "");
    }

    /** Starts a view instance; a non-empty {@code instanceId} makes it a static group member. */
    CommandView startView(Path stateDir, String instanceId) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        env.put("OUTCOME_TOPIC", topics.outcomes());
        env.put("AUDIT_TOPIC", topics.audit());
        env.put("VIEW_APPLICATION_ID", "view-" + suffix);
        env.put("VIEW_HTTP_BIND", "127.0.0.1:0");
        env.put("VIEW_STATE_DIR", stateDir.toString());
        env.put("VIEW_INSTANCE_ID", instanceId);
        CommandView view = CommandView.start(ViewConfig.fromMap(env));
        views.add(view);
        return view;
    }

    void stopView(CommandView view) {
        view.close();
        views.remove(view);
    }

    /** GET {@code path} on {@code view}. */
    static HttpResponse<String> get(CommandView view, String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(view.url() + path))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " on " + view.url() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GETs {@code path} until {@code done} holds, at most {@code timeout}; returns the last answer. */
    static HttpResponse<String> await(
            CommandView view, String path, Predicate<HttpResponse<String>> done, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = get(view, path);
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(view, path);
        }
        return last;
    }

    /** Waits until every running view is ready and knows {@code instances} instances. */
    void awaitViews(int instances, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (views.stream().allMatch(v -> v.isReady() && v.knownInstances().size() == instances)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("views not ready with " + instances + " instances within " + timeout + ": "
                + views.stream()
                        .map(v -> v.url() + "=" + v.state() + v.knownInstances())
                        .toList());
    }

    @Override
    public void close() {
        client.close();
        new ArrayList<>(views).forEach(CommandView::close);
        processors.forEach(CommandProcessor::close);
        logto.close();
        registry.close();
        for (Path dir : stateDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: temp files
            }
        }
    }
}
