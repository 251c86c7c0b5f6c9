package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestTimeoutTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong nanos = new AtomicLong();
    private final RequestTimeout timeout =
            new RequestTimeout(Duration.ofSeconds(10), Duration.ofSeconds(60), nanos::get);

    @Test
    void staysAtTheConfiguredValueWhileLogtoIsFast() {
        timeout.answered(200_000_000L);
        assertThat(timeout.millis()).isEqualTo(10_000);
    }

    @Test
    void growsToTwiceTheSlowestRecentAnswerUpToTheCap() {
        timeout.answered(12 * S);
        assertThat(timeout.millis()).isEqualTo(24_000);
        timeout.answered(45 * S);
        assertThat(timeout.millis()).isEqualTo(60_000);
    }

    @Test
    void forgetsSlowAnswersAfterAMinute() {
        timeout.answered(12 * S);
        nanos.addAndGet(31 * S);
        assertThat(timeout.millis()).as("still within the previous bucket").isEqualTo(24_000);
        nanos.addAndGet(31 * S);
        assertThat(timeout.millis()).isEqualTo(10_000);
    }
}
