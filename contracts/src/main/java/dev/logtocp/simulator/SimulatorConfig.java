package dev.logtocp.simulator;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Start-up settings of a {@link LogtoSimulator}. Immutable; safe to share between threads.
 *
 * @param host          interface to bind, loopback by default so tests never expose a port
 * @param port          TCP port, 0 picks a free one
 * @param appId         id of the single machine-to-machine application the simulator knows
 * @param appSecret     its secret
 * @param tokenLifetime how long issued access tokens stay valid (tests shorten it to exercise expiry)
 * @param resource      the Management API resource indicator a token must be requested for
 * @param capacity      how much work the simulated server can do at once, or null for no limit (the default);
 *                      changeable at run time through {@link LogtoSimulator#setCapacity}
 * @param stateDir      where the state is kept so that a restarted simulator carries on where the last one stopped,
 *                      or null to keep everything in memory only (the default)
 */
public record SimulatorConfig(
        String host,
        int port,
        String appId,
        String appSecret,
        Duration tokenLifetime,
        String resource,
        CapacityModel capacity,
        Path stateDir) {

    public static final String DEFAULT_RESOURCE = "https://default.logto.app/api";
    public static final String DEFAULT_APP_ID = "sim-m2m-app";

    public SimulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(appSecret, "appSecret");
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(resource, "resource");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("tokenLifetime must be positive");
        }
    }

    /** Loopback, free port, fixed app id, a fresh random secret, one-hour tokens, the default tenant's resource. */
    public static SimulatorConfig defaults() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        return new SimulatorConfig(
                "127.0.0.1",
                0,
                DEFAULT_APP_ID,
                "sim-secret-" + HexFormat.of().formatHex(secret),
                Duration.ofSeconds(3600),
                DEFAULT_RESOURCE,
                null,
                null);
    }

    public SimulatorConfig withHost(String value) {
        return new SimulatorConfig(value, port, appId, appSecret, tokenLifetime, resource, capacity, stateDir);
    }

    public SimulatorConfig withPort(int value) {
        return new SimulatorConfig(host, value, appId, appSecret, tokenLifetime, resource, capacity, stateDir);
    }

    public SimulatorConfig withAppId(String value) {
        return new SimulatorConfig(host, port, value, appSecret, tokenLifetime, resource, capacity, stateDir);
    }

    public SimulatorConfig withAppSecret(String value) {
        return new SimulatorConfig(host, port, appId, value, tokenLifetime, resource, capacity, stateDir);
    }

    public SimulatorConfig withTokenLifetime(Duration value) {
        return new SimulatorConfig(host, port, appId, appSecret, value, resource, capacity, stateDir);
    }

    public SimulatorConfig withResource(String value) {
        return new SimulatorConfig(host, port, appId, appSecret, tokenLifetime, value, capacity, stateDir);
    }

    /** {@code null} removes the limit. */
    public SimulatorConfig withCapacity(CapacityModel value) {
        return new SimulatorConfig(host, port, appId, appSecret, tokenLifetime, resource, value, stateDir);
    }

    /** {@code null} keeps the state in memory only. */
    public SimulatorConfig withStateDir(Path value) {
        return new SimulatorConfig(host, port, appId, appSecret, tokenLifetime, resource, capacity, value);
    }

    /** The secret never appears in logs or exceptions through this record's string form. */
    @Override
    public String toString() {
        return "SimulatorConfig[host=" + host + ", port=" + port + ", appId=" + appId
                + ", appSecret=***, tokenLifetime=" + tokenLifetime + ", resource=" + resource + ", capacity="
                + capacity + ", stateDir=" + stateDir + "]";
    }
}
