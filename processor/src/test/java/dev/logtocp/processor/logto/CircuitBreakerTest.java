package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(1), Duration.ofSeconds(4), clock);

    @Test
    void opensAfterTheThresholdOfConsecutiveTransientFailures() {
        breaker.onTransientFailure();
        breaker.onTransientFailure();
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onTransientFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void aSuccessInBetweenResetsTheCount() {
        breaker.onTransientFailure();
        breaker.onTransientFailure();
        breaker.onSuccess();
        breaker.onTransientFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void letsOneProbeThroughAfterTheOpenPeriodAndClosesOnItsSuccess() {
        open();
        now = now.plusSeconds(1);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).as("only one probe while half-open").isFalse();
        breaker.onSuccess();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeReopensForTwiceAsLongUpToTheCap() {
        open();
        now = now.plusSeconds(1);
        breaker.tryAcquire();
        breaker.onTransientFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        now = now.plusMillis(1500);
        assertThat(breaker.tryAcquire()).isFalse();
        now = now.plusMillis(600);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.opens()).isEqualTo(2);
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.onTransientFailure();
        }
    }
}
