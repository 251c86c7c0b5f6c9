package dev.logtocp.contract;

import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;

/**
 * Which Logto the contract suite talks to: a real one when {@code LOGTO_ENDPOINT}, {@code LOGTO_M2M_APP_ID} and
 * {@code LOGTO_M2M_APP_SECRET} are set (optional {@code LOGTO_RESOURCE}), otherwise a freshly started simulator.
 * Not thread-safe; one per suite.
 */
public final class LogtoTarget implements AutoCloseable {

    private final String endpoint;
    private final String appId;
    private final String appSecret;
    private final String resource;
    private final LogtoSimulator simulator;
    private RealSignIn realSignIn;

    private LogtoTarget(String endpoint, String appId, String appSecret, String resource, LogtoSimulator simulator) {
        this.endpoint = endpoint;
        this.appId = appId;
        this.appSecret = appSecret;
        this.resource = resource;
        this.simulator = simulator;
    }

    public static LogtoTarget fromEnvironment() {
        String endpoint = System.getenv("LOGTO_ENDPOINT");
        String appId = System.getenv("LOGTO_M2M_APP_ID");
        String appSecret = System.getenv("LOGTO_M2M_APP_SECRET");
        if (isSet(endpoint) && isSet(appId) && isSet(appSecret)) {
            String resource = System.getenv("LOGTO_RESOURCE");
            return new LogtoTarget(
                    endpoint.replaceAll("/+$", ""),
                    appId,
                    appSecret,
                    isSet(resource) ? resource : SimulatorConfig.DEFAULT_RESOURCE,
                    null);
        }
        LogtoSimulator simulator = LogtoSimulator.start(SimulatorConfig.defaults());
        return new LogtoTarget(
                simulator.endpoint(), simulator.appId(), simulator.appSecret(), simulator.resource(), simulator);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    public boolean isSimulator() {
        return simulator != null;
    }

    /**
     * Signs the user in once, leaving one more session and grant, as a sign-in to a first-party application does: on
     * a real Logto through its OIDC sign-in flow ({@link RealSignIn}), in the simulator by seeding the same records.
     */
    public void signIn(String userId, String username, String password) {
        if (simulator != null) {
            simulator.signIn(userId, "contract-suite-sign-in", false);
            return;
        }
        if (realSignIn == null) {
            realSignIn = new RealSignIn(endpoint, client());
        }
        realSignIn.signIn(username, password);
    }

    /** The simulator behind this target; only for simulator-only set-up, never for assertions. */
    public LogtoSimulator simulator() {
        return simulator;
    }

    public String describe() {
        return isSimulator() ? "simulator at " + endpoint : "real Logto at " + endpoint;
    }

    public String endpoint() {
        return endpoint;
    }

    public String appId() {
        return appId;
    }

    public String appSecret() {
        return appSecret;
    }

    public String resource() {
        return resource;
    }

    public ApiClient client() {
        return new ApiClient(endpoint, appId, appSecret, resource);
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
    }
}
