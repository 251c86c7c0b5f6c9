package dev.logtocp.processor.metrics;

import dev.logtocp.outcomes.OutcomeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Everything the processor counts, in one Prometheus registry scraped at {@code /metrics}. Names follow
 * Prometheus conventions; labels never carry user data or secrets (command type, status, Logto operation, HTTP
 * status, error class, topic-partition only).
 *
 * <p>Thread-safe; cheap enough for the hot path (meters are cached per label set).
 */
public final class ProcessorMetrics {
    public static final String COMMANDS = "logto_processor_commands";
    public static final String LOGTO_REQUESTS = "logto_processor_logto_request";
    public static final String RETRIES = "logto_processor_retries";
    public static final String DEAD_LETTERS = "logto_processor_dead_letters";
    public static final String IN_FLIGHT = "logto_processor_in_flight_commands";
    public static final String BUFFERED = "logto_processor_buffered_records";
    public static final String CONSUMER_LAG = "logto_processor_consumer_lag_records";
    public static final String BREAKER_STATE = "logto_processor_circuit_breaker_state";
    public static final String BREAKER_OPENS = "logto_processor_circuit_breaker_opens";
    public static final String TRANSACTIONS = "logto_processor_transactions";
    public static final String LEDGER_ENTRIES = "logto_processor_ledger_entries";
    public static final String LOGTO_CONCURRENCY_LIMIT = "logto_processor_logto_concurrency_limit";
    public static final String LOGTO_CALLS_IN_FLIGHT = "logto_processor_logto_calls_in_flight";
    public static final String LOGTO_CALLS_WAITING = "logto_processor_logto_calls_waiting";
    public static final String LOGTO_REQUEST_TIMEOUT = "logto_processor_logto_request_timeout";
    public static final String RETRY_BUDGET_TOKENS = "logto_processor_retry_budget_tokens";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final Counter transactions;
    private volatile boolean ledgerRestored;

    public ProcessorMetrics() {
        transactions = Counter.builder(TRANSACTIONS)
                .description("Kafka transactions committed")
                .register(registry);
        Gauge.builder(BUFFERED, buffered, AtomicInteger::get)
                .description("records read but not finished (partitions pause above MAX_BUFFERED_RECORDS)")
                .register(registry);
    }

    public void commandFinished(String commandType, OutcomeStatus status) {
        counter(COMMANDS, "commands finished by type and status", "type", commandType, "status", status.name())
                .increment();
    }

    public void retried(String commandType) {
        counter(RETRIES, "command executions retried after a transient failure", "type", commandType)
                .increment();
    }

    public void deadLettered(String errorClass) {
        counter(DEAD_LETTERS, "records sent to the dead-letter topic", "error_class", errorClass)
                .increment();
    }

    public void logtoRequest(String operation, int status, long nanos) {
        String key = LOGTO_REQUESTS + operation + status;
        timers.computeIfAbsent(
                        key,
                        k -> Timer.builder(LOGTO_REQUESTS)
                                .description("Logto Management API calls by operation and HTTP status (0 = no answer)")
                                .tags("operation", operation, "status", Integer.toString(status))
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void transactionCommitted() {
        transactions.increment();
    }

    public void buffered(int records) {
        buffered.set(records);
    }

    /** Consumer lag of one assigned partition; the gauge appears on first report. */
    public void lag(TopicPartition tp, long records) {
        if (lag.put(tp, records) == null) {
            Gauge.builder(CONSUMER_LAG, lag, m -> m.getOrDefault(tp, 0L))
                    .description("records behind the end of the partition")
                    .tags("topic", tp.topic(), "partition", Integer.toString(tp.partition()))
                    .register(registry);
        }
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A gauge in seconds: Prometheus gets the name with {@code _seconds} appended. */
    public void gaugeSeconds(String name, String description, Supplier<Number> seconds) {
        Gauge.builder(name, seconds)
                .description(description)
                .baseUnit("seconds")
                .register(registry);
    }

    public void ledgerRestored() {
        ledgerRestored = true;
    }

    public boolean isLedgerRestored() {
        return ledgerRestored;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + String.join("\u0000", tags);
        return counters.computeIfAbsent(
                key,
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
