package dev.logtocp.ops.stack;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.CommandProcessor;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.registry.RegistryServerConfig;
import dev.logtocp.registry.SchemaRegistryServer;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import dev.logtocp.view.CommandView;
import dev.logtocp.view.ViewConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole product on one machine: a real Kafka broker (child JVM), the schema registry, the Logto simulator
 * (or a real Logto from {@code LOGTO_ENDPOINT}), the processor, and a demo producer whose outcomes are counted
 * live by status.
 */
@Command(
        name = "local-stack",
        mixinStandardHelpOptions = true,
        description =
                "Runs broker + schema registry + Logto simulator + processor + status view and sends a demo batch of commands.",
        footer = {
            "",
            "The processor takes its settings from the environment, as it does when deployed: every setting in the",
            "README's configuration table (MAX_IN_FLIGHT, LOGTO_REQUEST_TIMEOUT_MS, BREAKER_*, EXECUTION_THREADS, ...,",
            "KAFKA_CLIENT_*, SERDE_*, and KEY_FILE forms), e.g. MAX_IN_FLIGHT=16 ops/run-local --users 1000.",
            "The stack sets KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL itself, LOGTO_ENDPOINT, LOGTO_M2M_APP_ID,",
            "LOGTO_M2M_APP_SECRET and LOGTO_RESOURCE when it runs the simulator (with LOGTO_ENDPOINT set it uses that",
            "Logto instead), and PROCESSOR_INSTANCE_ID=local-1 unless the environment names one."
        })
public final class LocalStack implements Callable<Integer> {

    @Option(
            names = "--users",
            defaultValue = "100",
            description =
                    "Demo users to create (each also gets a role and a session revoked). Default: ${DEFAULT-VALUE}")
    int users;

    @Option(
            names = "--exit-after-demo",
            description =
                    "Exit once every demo command has its outcome (exit code 0 only if all expected outcomes arrived).")
    boolean exitAfterDemo;

    @Option(
            names = "--data-dir",
            defaultValue = ".local-stack",
            description = "Where the broker keeps its data between runs. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the data directory first.")
    boolean fresh;

    @Option(
            names = "--view-port",
            defaultValue = "8088",
            description =
                    "Port of the status and history view on 127.0.0.1 (0: any free port, -1: do not start it). Default: ${DEFAULT-VALUE}")
    int viewPort;

    @Option(
            names = "--timeout",
            defaultValue = "180",
            description = "Seconds to wait for the demo's outcomes. Default: ${DEFAULT-VALUE}")
    int timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStack()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (fresh) {
            deleteRecursively(dataDir);
        }
        List<AutoCloseable> stack = new ArrayList<>();
        CountDownLatch interrupted = new CountDownLatch(1);
        Thread shutdown = new Thread(
                () -> {
                    interrupted.countDown();
                    closeAll(stack);
                },
                "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            say("starting Kafka broker (child JVM, data in " + dataDir.toAbsolutePath() + ")");
            KafkaBrokerProcess broker = KafkaBrokerProcess.start(dataDir.resolve("kafka"), Duration.ofSeconds(90));
            stack.add(broker);
            say("broker ready at " + broker.bootstrapServers());

            TopicContract topics = TopicContract.defaults(6, (short) 1);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                List<String> created = TopicProvisioner.createMissing(admin, topics);
                say("topics " + (created.isEmpty() ? "already present" : "created: " + created));
            }

            SchemaRegistryServer registry =
                    SchemaRegistryServer.start(RegistryServerConfig.of(broker.bootstrapServers()));
            stack.add(0, registry);
            say("schema registry at " + registry.url());

            LogtoTarget logto = LogtoTarget.fromEnvironment();
            LogtoSimulator simulator = null;
            if (logto == null) {
                simulator = LogtoSimulator.start(SimulatorConfig.defaults());
                stack.add(0, simulator);
                logto = new LogtoTarget(
                        simulator.endpoint(), simulator.appId(), simulator.appSecret(), simulator.resource());
                say("Logto simulator at " + simulator.endpoint());
            } else {
                say("using real Logto at " + logto.endpoint());
            }

            ProcessorConfig config = ProcessorConfig.fromMap(
                    processorSettings(System.getenv(), broker.bootstrapServers(), registry.url(), logto));
            say("processor settings from the environment: MAX_IN_FLIGHT="
                    + config.engine().maxInFlight() + " (see --help)");
            CommandProcessor processor = CommandProcessor.start(config);
            stack.add(0, processor);
            say("processor started");

            if (viewPort >= 0) {
                Map<String, String> viewEnv = new HashMap<>();
                viewEnv.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                viewEnv.put("SCHEMA_REGISTRY_URL", registry.url());
                viewEnv.put("VIEW_HTTP_BIND", "127.0.0.1:" + viewPort);
                viewEnv.put(
                        "VIEW_STATE_DIR",
                        dataDir.resolve("view").toAbsolutePath().toString());
                viewEnv.put("VIEW_INSTANCE_ID", "local-view-1");
                CommandView view = CommandView.start(ViewConfig.fromMap(viewEnv));
                stack.add(0, view);
                say("status and history view at " + view.url() + " (ops/ops status --view-url " + view.url()
                        + " ISSUER KEY; GET " + view.url() + "/users/{ref}/history)");
            }

            return runDemo(broker.bootstrapServers(), registry.url(), topics, simulator, interrupted);
        } finally {
            if (!interrupted.await(0, TimeUnit.MILLISECONDS)) {
                Runtime.getRuntime().removeShutdownHook(shutdown);
                closeAll(stack);
            }
        }
    }

    /**
     * The processor's settings: the environment (so that any setting the processor knows can be given as it would
     * be in production), with the addresses of the stack's own broker, registry and Logto on top.
     */
    static Map<String, String> processorSettings(
            Map<String, String> environment, String bootstrapServers, String registryUrl, LogtoTarget logto) {
        Map<String, String> settings = new HashMap<>(environment);
        settings.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        settings.put("SCHEMA_REGISTRY_URL", registryUrl);
        settings.put("LOGTO_ENDPOINT", logto.endpoint());
        settings.put("LOGTO_M2M_APP_ID", logto.appId());
        settings.put("LOGTO_M2M_APP_SECRET", logto.appSecret());
        settings.put("LOGTO_RESOURCE", logto.resource());
        settings.putIfAbsent("PROCESSOR_INSTANCE_ID", "local-1");
        return settings;
    }

    private int runDemo(
            String bootstrap,
            String registryUrl,
            TopicContract topics,
            LogtoSimulator simulator,
            CountDownLatch interrupted)
            throws InterruptedException {
        String runId = Long.toString(Instant.now().getEpochSecond(), 36)
                + UUID.randomUUID().toString().substring(0, 4);
        String roleId = simulator != null
                ? simulator.createRole("demo-role-" + runId)
                : System.getenv().getOrDefault("DEMO_ROLE_ID", "");
        Set<String> expected = new HashSet<>();
        Map<OutcomeStatus, Integer> counts = new EnumMap<>(OutcomeStatus.class);
        try (KafkaProducer<String, Object> producer = producer(bootstrap, registryUrl);
                KafkaConsumer<String, Object> outcomes = outcomeConsumer(bootstrap, registryUrl, topics.outcomes())) {
            outcomes.assign(partitions(outcomes, topics.outcomes()));
            outcomes.seekToEnd(outcomes.assignment());
            outcomes.assignment().forEach(outcomes::position);

            List<DemoBatch.Entry> creates = DemoBatch.creates(runId, users);
            long firstSent = System.nanoTime();
            send(producer, topics.commands(), creates, expected);
            say("sent " + creates.size() + " create commands; waiting for users to exist");
            Map<String, String> userIds = new HashMap<>();
            awaitOutcomes(outcomes, expected, counts, userIds, Instant.now().plusSeconds(timeoutSeconds), interrupted);

            if (!roleId.isBlank()) {
                final LogtoSimulator sim = simulator;
                List<DemoBatch.Entry> more = DemoBatch.followUps(
                        runId,
                        users,
                        roleId,
                        username -> sim != null && userIds.containsKey(username)
                                ? sim.createSession(userIds.get(username))
                                : "no-such-session");
                send(producer, topics.commands(), more, expected);
                say("sent " + more.size() + " role and session commands");
            }
            boolean complete = awaitOutcomes(
                    outcomes, expected, counts, userIds, Instant.now().plusSeconds(timeoutSeconds), interrupted);
            say("demo " + (complete ? "complete" : "INCOMPLETE") + ": " + format(counts) + " of " + expected.size()
                    + " commands"
                    + String.format(
                            " in %.1f s (first command sent to last outcome)", (System.nanoTime() - firstSent) / 1e9));
            if (exitAfterDemo) {
                int succeeded = counts.getOrDefault(OutcomeStatus.SUCCEEDED, 0);
                return complete && succeeded >= Math.min(100, users) ? 0 : 1;
            }
            say("running; press Ctrl-C to stop");
            while (interrupted.getCount() > 0) {
                for (ConsumerRecord<String, Object> r : outcomes.poll(Duration.ofMillis(500))) {
                    if (r.value() instanceof CommandOutcome o) {
                        counts.merge(o.getStatus(), 1, Integer::sum);
                        say("outcome " + o.getCommandType() + " " + o.getStatus() + " " + format(counts));
                    }
                }
            }
            return 0;
        }
    }

    private static void send(
            KafkaProducer<String, Object> producer, String topic, List<DemoBatch.Entry> entries, Set<String> expected) {
        for (DemoBatch.Entry e : entries) {
            SpecificRecord command = e.command();
            expected.add(((CommandMeta) command.get(0)).getCommandId());
            producer.send(new ProducerRecord<>(topic, e.key(), command));
        }
        producer.flush();
    }

    /** Reads outcomes until every expected command id has one; prints a live count by status. */
    private static boolean awaitOutcomes(
            KafkaConsumer<String, Object> consumer,
            Set<String> expected,
            Map<OutcomeStatus, Integer> counts,
            Map<String, String> userIds,
            Instant deadline,
            CountDownLatch interrupted) {
        Set<String> seen = new HashSet<>();
        counts.values();
        int total = 0;
        for (int v : counts.values()) {
            total += v;
        }
        Instant lastPrint = Instant.EPOCH;
        while (total < expected.size() && Instant.now().isBefore(deadline) && interrupted.getCount() > 0) {
            for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() instanceof CommandOutcome o
                        && expected.contains(o.getCommandId())
                        && seen.add(o.getCommandId())) {
                    counts.merge(o.getStatus(), 1, Integer::sum);
                    total++;
                    if (o.getUserId() != null && o.getCommandType().equals("UserCreate") && r.key() != null) {
                        userIds.put(r.key(), o.getUserId());
                    }
                }
            }
            if (Duration.between(lastPrint, Instant.now()).toMillis() >= 1000) {
                say("outcomes " + total + "/" + expected.size() + "  " + format(counts));
                lastPrint = Instant.now();
            }
        }
        return total >= expected.size();
    }

    private static String format(Map<OutcomeStatus, Integer> counts) {
        StringBuilder sb = new StringBuilder();
        for (OutcomeStatus s : OutcomeStatus.values()) {
            sb.append(s).append('=').append(counts.getOrDefault(s, 0)).append(' ');
        }
        return sb.toString().trim();
    }

    private static KafkaProducer<String, Object> producer(String bootstrap, String registryUrl) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("schema.registry.url", registryUrl);
        // Every command type shares one topic (per-user order across types), so subjects are per record name.
        p.put("value.subject.name.strategy", "record");
        return new KafkaProducer<>(p, new StringSerializer(), serializer(p));
    }

    private static WireFormatSerializer serializer(Map<String, Object> config) {
        WireFormatSerializer s = new WireFormatSerializer();
        s.configure(config, false);
        return s;
    }

    private static KafkaConsumer<String, Object> outcomeConsumer(String bootstrap, String registryUrl, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("schema.registry.url", registryUrl);
        WireFormatDeserializer d = new WireFormatDeserializer();
        d.configure(p, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), d);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
    }

    private static void closeAll(List<AutoCloseable> stack) {
        for (AutoCloseable c : List.copyOf(stack)) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("close failed: " + e);
            }
        }
        stack.clear();
    }

    private static void say(String line) {
        System.out.println("[local-stack] " + line);
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Where Logto is: the simulator, or a real server from LOGTO_ENDPOINT and M2M credentials. */
    record LogtoTarget(String endpoint, String appId, String appSecret, String resource) {
        static LogtoTarget fromEnvironment() {
            String endpoint = System.getenv("LOGTO_ENDPOINT");
            if (endpoint == null || endpoint.isBlank()) {
                return null;
            }
            return new LogtoTarget(
                    endpoint,
                    System.getenv("LOGTO_M2M_APP_ID"),
                    System.getenv("LOGTO_M2M_APP_SECRET"),
                    System.getenv().getOrDefault("LOGTO_RESOURCE", "https://default.logto.app/api"));
        }

        @Override
        public String toString() {
            return "LogtoTarget[" + endpoint + "]";
        }
    }
}
