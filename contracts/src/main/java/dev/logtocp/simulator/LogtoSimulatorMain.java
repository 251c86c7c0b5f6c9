package dev.logtocp.simulator;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator as a standalone process until it is killed:
 * {@code --port N --host H --app-id ID --app-secret S}. Prints the endpoint and credentials on one line.
 */
public final class LogtoSimulatorMain {

  private LogtoSimulatorMain() {
  }

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
        default -> {
          usage("unknown flag " + flag);
          yield config;
        }
      };
    }
    LogtoSimulator simulator = LogtoSimulator.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "logto-simulator-shutdown"));
    // The secret is printed on purpose: this is a local test double and the caller needs it to get tokens.
    System.out.println("logto-simulator endpoint=" + simulator.endpoint() + " appId=" + simulator.appId()
        + " appSecret=" + simulator.appSecret() + " resource=" + simulator.resource());
    stopped.await();
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: LogtoSimulatorMain [--port N] [--host H] [--app-id ID] [--app-secret S]");
    System.exit(2);
  }
}
