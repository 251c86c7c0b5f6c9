package dev.logtocp.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: {@code --bootstrap-servers host:9092 [--port 8081] [--host 127.0.0.1] [--topic _schemas]}.
 * Runs until the JVM is stopped; a shutdown hook closes the server.
 */
public final class SchemaRegistryMain {

    private SchemaRegistryMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                usage("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                usage("missing value for --" + name);
                return;
            }
            if (!Map.of("bootstrap-servers", 1, "port", 1, "host", 1, "topic", 1)
                    .containsKey(name)) {
                usage("unknown flag --" + name);
            }
            flags.put(name, value);
        }
        String bootstrap = flags.get("bootstrap-servers");
        if (bootstrap == null) {
            usage("--bootstrap-servers is required");
        }
        int port;
        try {
            port = Integer.parseInt(flags.getOrDefault("port", "8081"));
        } catch (NumberFormatException e) {
            usage("--port must be a number");
            return;
        }
        RegistryServerConfig config = new RegistryServerConfig(
                bootstrap,
                flags.getOrDefault("host", RegistryServerConfig.DEFAULT_HOST),
                port,
                flags.getOrDefault("topic", RegistryServerConfig.DEFAULT_TOPIC),
                Map.of());
        SchemaRegistryServer server = SchemaRegistryServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "schema-registry-shutdown"));
        System.out.println("schema registry listening on " + server.url());
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: SchemaRegistryMain --bootstrap-servers HOST:PORT [--port 8081] "
                + "[--host 127.0.0.1] [--topic _schemas]");
        System.exit(2);
    }
}
