package dev.logtocp.view;

import dev.logtocp.processor.config.ConfigException;
import dev.logtocp.processor.config.ConfigSource;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts one view instance from environment variables and, optionally, a properties file named by
 * {@code --config FILE} or {@code CONFIG_FILE}. A bad setting stops start-up with one line naming the key.
 */
public final class ViewMain {
    private ViewMain() {}

    public static void main(String[] args) throws InterruptedException {
        ViewConfig config;
        try {
            config = ViewConfig.from(ConfigSource.of(System.getenv(), configFile(args)));
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        CommandView view;
        try {
            view = CommandView.start(config);
        } catch (RuntimeException e) {
            System.err.println("start-up failed: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(view::close, "shutdown"));
        while (view.isRunning()) {
            Thread.sleep(1000);
        }
        System.exit(1);
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
