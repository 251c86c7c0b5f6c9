package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void retriesAreBoundedByAFractionOfAnsweredAttempts() {
        RetryBudget budget = new RetryBudget(0.2, 0, 10, nanos::get);
        int retries = 0;
        while (budget.tryRetry()) {
            retries++;
        }
        assertThat(retries).as("the bucket starts full").isEqualTo(10);

        for (int i = 0; i < 1000; i++) {
            budget.onAnswered();
            if (budget.tryRetry()) {
                retries++;
            }
        }
        assertThat(retries - 10).as("20 %% of 1000 answered attempts").isBetween(199, 200);
    }

    @Test
    void timeRefillsTheMinimumEvenWithoutAnswers() {
        RetryBudget budget = new RetryBudget(0.2, 10, 100, nanos::get);
        while (budget.tryRetry()) {
            // empty it
        }
        assertThat(budget.tryRetry()).isFalse();
        nanos.addAndGet(1_000_000_000L);
        int retries = 0;
        while (budget.tryRetry()) {
            retries++;
        }
        assertThat(retries).isEqualTo(10);
    }

    @Test
    void theBucketIsCapped() {
        RetryBudget budget = new RetryBudget(1, 10, 50, nanos::get);
        nanos.addAndGet(3600L * 1_000_000_000L);
        for (int i = 0; i < 1000; i++) {
            budget.onAnswered();
        }
        assertThat(budget.tokens()).isEqualTo(50);
    }
}
