package dev.logtocp.processor.kafka;

import dev.logtocp.outcomes.OutcomeStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the processor did; thread-safe, cheap enough for the hot path. */
public final class ProcessorStats {
    private final Map<OutcomeStatus, LongAdder> outcomes = new EnumMap<>(OutcomeStatus.class);
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicLong transactions = new AtomicLong();
    private volatile boolean ledgerRestored;

    public ProcessorStats() {
        for (OutcomeStatus status : OutcomeStatus.values()) {
            outcomes.put(status, new LongAdder());
        }
    }

    void finished(OutcomeStatus status) {
        outcomes.get(status).increment();
    }

    void deadLettered() {
        deadLetters.increment();
    }

    void published(int completions) {
        published.add(completions);
        transactions.incrementAndGet();
    }

    void buffered(int records) {
        buffered.set(records);
    }

    void ledgerRestored() {
        ledgerRestored = true;
    }

    /** True once the ledger of the current assignment was restored; false before the first assignment. */
    public boolean isLedgerRestored() {
        return ledgerRestored;
    }

    public long outcomes(OutcomeStatus status) {
        return outcomes.get(status).sum();
    }

    public long deadLetters() {
        return deadLetters.sum();
    }

    /** Completions committed to Kafka (outcomes plus dead letters). */
    public long published() {
        return published.sum();
    }

    public long transactions() {
        return transactions.get();
    }

    public int buffered() {
        return buffered.get();
    }
}
