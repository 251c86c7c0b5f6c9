package dev.logtocp.simulator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One fault the simulator injects with probability {@code rate}, optionally only for requests whose path matches
 * {@code pathRegex} and whose method equals {@code method} (null = any). Immutable; build with the static
 * factories and refine with the withers, e.g. {@code FaultRule.error500(0.1).onPath("^/api/users$").onMethod("POST")}.
 *
 * <p>Latency kinds delay the request and then let it (or another fault) proceed; the other kinds decide the
 * outcome. {@link Kind#AMBIGUOUS_TIMEOUT} applies the request and then never answers.
 *
 * @param latency           fixed delay, uniform minimum, or log-normal median (latency kinds only)
 * @param latencyMax        uniform maximum (uniform latency only)
 * @param sigma             log-normal shape (log-normal latency only)
 * @param retryAfterSeconds value of the {@code Retry-After} header (429 only)
 */
public record FaultRule(
        Kind kind,
        double rate,
        String pathRegex,
        String method,
        Duration latency,
        Duration latencyMax,
        double sigma,
        int retryAfterSeconds) {

    // Records cannot hold derived fields, so compiled path patterns are shared here instead of per request.
    private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** What the fault does. */
    public enum Kind {
        FIXED_LATENCY("fixedLatency"),
        UNIFORM_LATENCY("uniformLatency"),
        LOG_NORMAL_LATENCY("logNormalLatency"),
        ERROR_500("error500"),
        ERROR_503("error503"),
        TOO_MANY_REQUESTS("tooManyRequests"),
        CONNECTION_RESET("connectionReset"),
        AMBIGUOUS_TIMEOUT("ambiguousTimeout");

        private final String jsonName;

        Kind(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The name used in the admin endpoint's JSON. */
        public String jsonName() {
            return jsonName;
        }

        boolean isLatency() {
            return this == FIXED_LATENCY || this == UNIFORM_LATENCY || this == LOG_NORMAL_LATENCY;
        }

        static Kind fromJson(String name) {
            for (Kind kind : values()) {
                if (kind.jsonName.equalsIgnoreCase(name) || kind.name().equalsIgnoreCase(name)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown fault kind: " + name);
        }
    }

    public FaultRule {
        Objects.requireNonNull(kind, "kind");
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException("rate must be in [0,1]: " + rate);
        }
        if (pathRegex != null) {
            Pattern.compile(pathRegex); // fail at configuration time, not per request
        }
        method = method == null ? null : method.toUpperCase(Locale.ROOT);
        latency = latency == null ? Duration.ZERO : latency;
        latencyMax = latencyMax == null ? latency : latencyMax;
        if (latency.isNegative() || latencyMax.compareTo(latency) < 0) {
            throw new IllegalArgumentException("latency must be >= 0 and max >= min");
        }
        if (sigma < 0 || retryAfterSeconds < 0) {
            throw new IllegalArgumentException("sigma and retryAfterSeconds must be >= 0");
        }
    }

    public static FaultRule fixedLatency(Duration delay) {
        return new FaultRule(Kind.FIXED_LATENCY, 1.0, null, null, delay, delay, 0, 0);
    }

    public static FaultRule uniformLatency(Duration min, Duration max) {
        return new FaultRule(Kind.UNIFORM_LATENCY, 1.0, null, null, min, max, 0, 0);
    }

    public static FaultRule logNormalLatency(Duration median, double sigma) {
        return new FaultRule(Kind.LOG_NORMAL_LATENCY, 1.0, null, null, median, median, sigma, 0);
    }

    public static FaultRule error500(double rate) {
        return of(Kind.ERROR_500, rate);
    }

    public static FaultRule error503(double rate) {
        return of(Kind.ERROR_503, rate);
    }

    public static FaultRule tooManyRequests(double rate, int retryAfterSeconds) {
        return new FaultRule(Kind.TOO_MANY_REQUESTS, rate, null, null, null, null, 0, retryAfterSeconds);
    }

    public static FaultRule connectionReset(double rate) {
        return of(Kind.CONNECTION_RESET, rate);
    }

    public static FaultRule ambiguousTimeout(double rate) {
        return of(Kind.AMBIGUOUS_TIMEOUT, rate);
    }

    private static FaultRule of(Kind kind, double rate) {
        return new FaultRule(kind, rate, null, null, null, null, 0, 0);
    }

    public FaultRule withRate(double value) {
        return new FaultRule(kind, value, pathRegex, method, latency, latencyMax, sigma, retryAfterSeconds);
    }

    public FaultRule onPath(String regex) {
        return new FaultRule(kind, rate, regex, method, latency, latencyMax, sigma, retryAfterSeconds);
    }

    public FaultRule onMethod(String value) {
        return new FaultRule(kind, rate, pathRegex, value, latency, latencyMax, sigma, retryAfterSeconds);
    }

    boolean appliesTo(String requestMethod, String path) {
        return (method == null || method.equals(requestMethod))
                && (pathRegex == null
                        || PATTERNS.computeIfAbsent(pathRegex, Pattern::compile)
                                .matcher(path)
                                .find());
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("kind", kind.jsonName()).put("rate", rate);
        if (pathRegex != null) {
            json.put("path", pathRegex);
        }
        if (method != null) {
            json.put("method", method);
        }
        switch (kind) {
            case FIXED_LATENCY -> json.put("ms", latency.toMillis());
            case UNIFORM_LATENCY -> json.put("minMs", latency.toMillis()).put("maxMs", latencyMax.toMillis());
            case LOG_NORMAL_LATENCY -> json.put("medianMs", latency.toMillis()).put("sigma", sigma);
            case TOO_MANY_REQUESTS -> json.put("retryAfterSeconds", retryAfterSeconds);
            default -> {}
        }
        return json;
    }

    static FaultRule fromJson(JsonObject json) {
        Kind kind = Kind.fromJson(json.getString("kind"));
        double rate = json.getDouble("rate", 1.0);
        FaultRule rule = switch (kind) {
            case FIXED_LATENCY -> fixedLatency(Duration.ofMillis(json.getLong("ms", 0L)));
            case UNIFORM_LATENCY ->
                uniformLatency(
                        Duration.ofMillis(json.getLong("minMs", 0L)), Duration.ofMillis(json.getLong("maxMs", 0L)));
            case LOG_NORMAL_LATENCY ->
                logNormalLatency(Duration.ofMillis(json.getLong("medianMs", 0L)), json.getDouble("sigma", 0.5));
            case TOO_MANY_REQUESTS -> tooManyRequests(rate, json.getInteger("retryAfterSeconds", 1));
            default -> of(kind, rate);
        };
        return rule.withRate(rate).onPath(json.getString("path")).onMethod(json.getString("method"));
    }
}
