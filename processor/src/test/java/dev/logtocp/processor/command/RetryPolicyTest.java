package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));

    @RepeatedTest(50)
    void delaysStayUnderTheDoublingCeiling() {
        assertThat(policy.delayBefore(2, Optional.empty())).isBetween(Duration.ZERO, Duration.ofMillis(100));
        assertThat(policy.delayBefore(4, Optional.empty())).isBetween(Duration.ZERO, Duration.ofMillis(400));
        assertThat(policy.delayBefore(20, Optional.empty())).isBetween(Duration.ZERO, Duration.ofMillis(1000));
    }

    @Test
    void neverRetriesSoonerThanRetryAfter() {
        assertThat(policy.delayBefore(2, Optional.of(Duration.ofSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void stopsAtMaxAttempts() {
        assertThat(policy.mayRetry(4)).isTrue();
        assertThat(policy.mayRetry(5)).isFalse();
    }
}
