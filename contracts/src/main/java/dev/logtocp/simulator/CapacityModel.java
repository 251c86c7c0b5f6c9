package dev.logtocp.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;

/**
 * How much work a simulated Logto can do, modelled on a real Logto with PostgreSQL (its measured behaviour and its
 * source, 1.42). Immutable; safe to share between threads.
 *
 * <p>The model has two resources. The <em>server</em> does one request step at a time (Logto's Node.js event loop,
 * with PostgreSQL beside it on a small machine): the steps' costs add up, which caps throughput and makes latency
 * grow with the number of requests in flight. The <em>database pool</em> has {@code poolSize} connections handed
 * out first come, first served; a query holds one for {@code queryTime}, and a request that cannot get one within
 * {@code waitLimit} fails with 500 {@code {"message":"Internal server error."}} (Logto's
 * {@code DATABASE_CONNECTION_TIMEOUT}). A user creation holds a connection for its transaction while its insert waits
 * for a second one from the same pool, as Logto's {@code insertUser} does; with enough creates in flight every
 * connection is held by a transaction waiting for another, nothing moves until the waits expire, and the server
 * collapses into 500s the way the real one does at 64 concurrent creates.
 *
 * @param poolSize   database connections (Logto's {@code DATABASE_POOL_SIZE}, 20)
 * @param waitLimit  longest wait for a connection before the request fails with 500
 * @param createCost server time of one {@code POST /api/users}; its inverse is the create throughput ceiling
 * @param writeCost  server time of any other request that is not a GET
 * @param readCost   server time of a GET and of a token request
 * @param queryTime  how long one query holds its connection (the database works in parallel with the server)
 */
public record CapacityModel(
        int poolSize,
        Duration waitLimit,
        Duration createCost,
        Duration writeCost,
        Duration readCost,
        Duration queryTime) {

    public CapacityModel {
        Objects.requireNonNull(waitLimit, "waitLimit");
        Objects.requireNonNull(createCost, "createCost");
        Objects.requireNonNull(writeCost, "writeCost");
        Objects.requireNonNull(readCost, "readCost");
        Objects.requireNonNull(queryTime, "queryTime");
        if (poolSize < 1 || poolSize > 100_000) {
            throw new IllegalArgumentException("poolSize must be in [1, 100000]: " + poolSize);
        }
        if (waitLimit.isNegative() || waitLimit.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("waitLimit must be in [0, 10 min]: " + waitLimit);
        }
        for (Duration cost : new Duration[] {createCost, writeCost, readCost, queryTime}) {
            if (cost.isNegative() || cost.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("costs and queryTime must be in [0, 1 min]: " + cost);
            }
        }
    }

    /**
     * Like the Logto 1.42 measured on a 2-core machine with PostgreSQL beside it: a pool of 20, a 5 s wait, about
     * 160 creates per second. Read and write costs are from the same server (see contracts/SIMULATOR.md).
     */
    public static CapacityModel logto() {
        return new CapacityModel(
                20,
                Duration.ofSeconds(5),
                Duration.ofNanos(6_250_000),
                Duration.ofNanos(5_000_000),
                Duration.ofNanos(3_000_000),
                Duration.ofMillis(1));
    }

    /**
     * The same server with {@code factor} times the resources: pool size times the factor (at least 1), costs divided
     * by it. {@code scaled(0.5)} halves throughput and pool; {@code scaled(10)} is ten times larger.
     */
    public CapacityModel scaled(double factor) {
        if (!(factor > 0) || factor > 1000) {
            throw new IllegalArgumentException("factor must be in (0, 1000]: " + factor);
        }
        int pool = (int) Math.max(1, Math.round(poolSize * factor));
        return new CapacityModel(
                pool,
                waitLimit,
                divide(createCost, factor),
                divide(writeCost, factor),
                divide(readCost, factor),
                queryTime);
    }

    private static Duration divide(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() / factor));
    }

    public CapacityModel withPoolSize(int value) {
        return new CapacityModel(value, waitLimit, createCost, writeCost, readCost, queryTime);
    }

    public CapacityModel withWaitLimit(Duration value) {
        return new CapacityModel(poolSize, value, createCost, writeCost, readCost, queryTime);
    }

    public CapacityModel withCreateCost(Duration value) {
        return new CapacityModel(poolSize, waitLimit, value, writeCost, readCost, queryTime);
    }

    public CapacityModel withWriteCost(Duration value) {
        return new CapacityModel(poolSize, waitLimit, createCost, value, readCost, queryTime);
    }

    public CapacityModel withReadCost(Duration value) {
        return new CapacityModel(poolSize, waitLimit, createCost, writeCost, value, queryTime);
    }

    public CapacityModel withQueryTime(Duration value) {
        return new CapacityModel(poolSize, waitLimit, createCost, writeCost, readCost, value);
    }

    /** The admin form: {@code {"poolSize":20,"waitLimitMs":5000,"createMs":6.25,...}}. */
    public JsonObject toJson() {
        return new JsonObject()
                .put("poolSize", poolSize)
                .put("waitLimitMs", millis(waitLimit))
                .put("createMs", millis(createCost))
                .put("writeMs", millis(writeCost))
                .put("readMs", millis(readCost))
                .put("queryMs", millis(queryTime));
    }

    /**
     * Reads the admin form. Absent fields keep their value in {@code base}; {@code "preset":"logto"} starts from
     * {@link #logto()} instead; {@code "scale"} multiplies the result by {@link #scaled}.
     */
    public static CapacityModel fromJson(JsonObject json, CapacityModel base) {
        CapacityModel model = "logto".equals(json.getString("preset")) ? logto() : base;
        if (json.containsKey("preset") && !"logto".equals(json.getString("preset"))) {
            throw new IllegalArgumentException("unknown preset " + json.getValue("preset"));
        }
        if (model == null) {
            model = logto();
        }
        if (json.containsKey("poolSize")) {
            model = model.withPoolSize(json.getInteger("poolSize"));
        }
        if (json.containsKey("waitLimitMs")) {
            model = model.withWaitLimit(ofMillis(json, "waitLimitMs"));
        }
        if (json.containsKey("createMs")) {
            model = model.withCreateCost(ofMillis(json, "createMs"));
        }
        if (json.containsKey("writeMs")) {
            model = model.withWriteCost(ofMillis(json, "writeMs"));
        }
        if (json.containsKey("readMs")) {
            model = model.withReadCost(ofMillis(json, "readMs"));
        }
        if (json.containsKey("queryMs")) {
            model = model.withQueryTime(ofMillis(json, "queryMs"));
        }
        if (json.containsKey("scale")) {
            model = model.scaled(((Number) json.getValue("scale")).doubleValue());
        }
        return model;
    }

    /**
     * The command-line form: {@code logto}, optionally followed by comma-separated overrides, e.g.
     * {@code logto,scale=0.5} or {@code logto,pool=10,create=12.5,wait=5000} (times in milliseconds).
     */
    public static CapacityModel parse(String spec) {
        String[] parts = spec.split(",");
        if (!parts[0].trim().equals("logto")) {
            throw new IllegalArgumentException("a capacity spec starts with 'logto': " + spec);
        }
        JsonObject json = new JsonObject().put("preset", "logto");
        Double scale = null;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("expected key=value in capacity spec: " + parts[i]);
            }
            String key = kv[0].trim();
            double value;
            try {
                value = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number in capacity spec: " + parts[i]);
            }
            switch (key) {
                case "pool" -> json.put("poolSize", (int) value);
                case "wait" -> json.put("waitLimitMs", value);
                case "create" -> json.put("createMs", value);
                case "write" -> json.put("writeMs", value);
                case "read" -> json.put("readMs", value);
                case "query" -> json.put("queryMs", value);
                case "scale" -> scale = value;
                default ->
                    throw new IllegalArgumentException(
                            "unknown capacity setting " + key + " (pool, wait, create, write, read, query, scale)");
            }
        }
        CapacityModel model = fromJson(json, null);
        return scale == null ? model : model.scaled(scale);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static Duration ofMillis(JsonObject json, String key) {
        Object value = json.getValue(key);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(key + " must be a number");
        }
        double ms = number.doubleValue();
        if (!(ms >= 0) || ms > 600_000) {
            throw new IllegalArgumentException(key + " must be in [0, 600000]");
        }
        return Duration.ofNanos(Math.round(ms * 1e6));
    }
}
