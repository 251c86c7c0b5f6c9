package dev.logtocp.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The faults the simulator currently injects. Change it at any time from any thread; every request draws from
 * one seedable {@link Random}, so a fixed seed and a fixed request sequence give the same faults.
 *
 * <p>Threading: all methods are synchronized; the simulator consults it once per request on its event loop.
 */
public final class FaultPlan {

    /** What to do with one request: wait {@code delayMillis}, then apply {@code outcome} (null = answer normally). */
    public record Decision(long delayMillis, FaultRule outcome) {
        static final Decision NONE = new Decision(0, null);
    }

    /** A rule and how many more requests it may fire on ({@link Long#MAX_VALUE}: no limit). */
    private static final class Armed {
        final FaultRule rule;
        long remaining;

        Armed(FaultRule rule, long remaining) {
            this.rule = rule;
            this.remaining = remaining;
        }
    }

    private final List<Armed> rules = new ArrayList<>();
    private final Map<String, Long> injected = new HashMap<>();
    private Random random = new Random();

    /** Adds a rule; rules are consulted in the order added. */
    public synchronized FaultPlan add(FaultRule rule) {
        rules.add(new Armed(rule, Long.MAX_VALUE));
        return this;
    }

    /**
     * Adds a rule that fires on at most {@code times} requests and then drops out, so a test can say "the next two
     * creates fail" without racing the processor's retries to clear the rule in time.
     */
    public synchronized FaultPlan addFor(int times, FaultRule rule) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1: " + times);
        }
        rules.add(new Armed(rule, times));
        return this;
    }

    /** Replaces all rules at once. */
    public synchronized FaultPlan replace(List<FaultRule> newRules) {
        rules.clear();
        newRules.forEach(this::add);
        return this;
    }

    /** Restarts the random sequence so that fault decisions become reproducible. */
    public synchronized FaultPlan seed(long seed) {
        random = new Random(seed);
        return this;
    }

    /** Removes every rule; requests are answered normally again. Counters of injected faults are kept. */
    public synchronized void clear() {
        rules.clear();
    }

    public synchronized List<FaultRule> rules() {
        return rules.stream().map(armed -> armed.rule).toList();
    }

    /** How many faults of each kind (JSON name) were injected so far. */
    public synchronized Map<String, Long> injectedCounts() {
        return Map.copyOf(injected);
    }

    /**
     * Draws the faults for one request. The simulator asks once per request; so does a test's recording proxy in
     * front of a real Logto, which is how the same plan drives both.
     */
    public synchronized Decision decide(String method, String path) {
        if (rules.isEmpty()) {
            return Decision.NONE;
        }
        long delay = 0;
        FaultRule outcome = null;
        for (Armed armed : rules) {
            FaultRule rule = armed.rule;
            if (armed.remaining <= 0 || !rule.appliesTo(method, path) || random.nextDouble() >= rule.rate()) {
                continue;
            }
            if (!rule.kind().isLatency() && outcome != null) {
                continue; // would not fire, so it keeps its count
            }
            armed.remaining--;
            if (rule.kind().isLatency()) {
                delay += sampleDelay(rule);
                injected.merge(rule.kind().jsonName(), 1L, Long::sum);
            } else if (outcome == null) {
                // The first outcome fault that fires wins; later ones would contradict it.
                outcome = rule;
                injected.merge(rule.kind().jsonName(), 1L, Long::sum);
            }
        }
        return delay == 0 && outcome == null ? Decision.NONE : new Decision(delay, outcome);
    }

    private long sampleDelay(FaultRule rule) {
        long min = rule.latency().toMillis();
        return switch (rule.kind()) {
            case FIXED_LATENCY -> min;
            case UNIFORM_LATENCY ->
                min + (long) (random.nextDouble() * (rule.latencyMax().toMillis() - min + 1));
            case LOG_NORMAL_LATENCY -> Math.round(min * Math.exp(rule.sigma() * random.nextGaussian()));
            default -> 0;
        };
    }

    synchronized JsonObject toJson() {
        JsonArray array = new JsonArray();
        rules.forEach(armed -> array.add(armed.rule.toJson()));
        return new JsonObject().put("rules", array);
    }

    /** Applies an admin document {@code {"seed": 1, "rules": [...]}}, replacing the current rules. */
    synchronized void applyJson(JsonObject json) {
        List<FaultRule> parsed = new ArrayList<>();
        JsonArray array = json.getJsonArray("rules", new JsonArray());
        for (int i = 0; i < array.size(); i++) {
            parsed.add(FaultRule.fromJson(array.getJsonObject(i)));
        }
        if (json.containsKey("seed")) {
            seed(json.getLong("seed"));
        }
        replace(parsed);
    }
}
