package dev.logtocp.simulator;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as a standalone process until it is killed:
 * {@code --port N --host H --app-id ID --app-secret S --capacity SPEC --state-dir DIR}. Prints the endpoint and
 * credentials on one line.
 */
public final class LogtoSimulatorMain {

    private LogtoSimulatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig config = SimulatorConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                usage("missing value for " + flag);
            }
            String value = args[++i];
            config = switch (flag) {
                case "--port" -> config.withPort(Integer.parseInt(value));
                case "--host" -> config.withHost(value);
                case "--app-id" -> config.withAppId(value);
                case "--app-secret" -> config.withAppSecret(value);
                case "--capacity" -> config.withCapacity(capacity(value));
                case "--state-dir" -> config.withStateDir(Path.of(value));
                default -> {
                    usage("unknown flag " + flag);
                    yield config;
                }
            };
        }
        LogtoSimulator simulator = LogtoSimulator.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            simulator.close();
                            stopped.countDown();
                        },
                        "logto-simulator-shutdown"));
        // The secret is printed on purpose: this is a local test double and the caller needs it to get tokens.
        System.out.println("logto-simulator endpoint=" + simulator.endpoint() + " appId=" + simulator.appId()
                + " appSecret=" + simulator.appSecret() + " resource=" + simulator.resource());
        System.out.println("logto-simulator capacity="
                + simulator.capacity().map(m -> m.toJson().encode()).orElse("off") + " stateDir="
                + (config.stateDir() == null ? "none" : config.stateDir().toAbsolutePath()));
        stopped.await();
    }

    private static CapacityModel capacity(String spec) {
        if (spec.equals("off")) {
            return null;
        }
        try {
            return CapacityModel.parse(spec);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return null;
        }
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: LogtoSimulatorMain [--port N] [--host H] [--app-id ID] [--app-secret S]"
                + " [--capacity off|logto[,scale=F][,pool=N][,wait=MS][,create=MS][,write=MS][,read=MS][,query=MS]]"
                + " [--state-dir DIR]");
        System.exit(2);
    }
}
