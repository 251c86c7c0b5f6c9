package dev.logtocp.processor;

import dev.logtocp.processor.config.ConfigException;
import dev.logtocp.processor.config.ConfigSource;
import dev.logtocp.processor.config.ProcessorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts one processor instance from environment variables and, optionally, a properties file named by
 * {@code --config FILE} or {@code CONFIG_FILE}. A bad setting stops start-up with one line naming the key.
 * SIGTERM drains in-flight work and commits before exit.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        ProcessorConfig config;
        try {
            config = ProcessorConfig.from(ConfigSource.of(System.getenv(), configFile(args)));
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        CommandProcessor processor;
        try {
            processor = CommandProcessor.start(config);
        } catch (RuntimeException e) {
            // Missing topics, a broken policy file, unreadable keys: one line, not a stack trace.
            System.err.println("start-up failed: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "shutdown"));
        while (processor.isRunning()) {
            processor.awaitTermination(Duration.ofSeconds(1));
        }
        if (processor.failure() != null) {
            System.exit(1);
        }
    }

    private static Optional<Path> configFile(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config")) {
                return Optional.of(Path.of(args[i + 1]));
            }
        }
        return Optional.ofNullable(System.getenv("CONFIG_FILE"))
                .filter(s -> !s.isBlank())
                .map(Path::of);
    }
}
