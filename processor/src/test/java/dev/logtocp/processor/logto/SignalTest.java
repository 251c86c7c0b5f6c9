package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which failures the limit reads as overload, and which the breaker alone judges. */
class SignalTest {

    @Test
    void overloadAnswersAndTimeoutsShrinkTheLimit() {
        assertThat(LogtoClient.signal(null, 500)).isEqualTo(CallLimiter.Signal.OVERLOADED);
        assertThat(LogtoClient.signal(null, 503)).isEqualTo(CallLimiter.Signal.OVERLOADED);
        assertThat(LogtoClient.signal(null, 429)).isEqualTo(CallLimiter.Signal.OVERLOADED);
        assertThat(LogtoClient.signal(new TimeoutException("t"), 0)).isEqualTo(CallLimiter.Signal.OVERLOADED);
    }

    @Test
    void answersAreSamplesAndRefusedConnectionsTeachNothing() {
        assertThat(LogtoClient.signal(null, 200)).isEqualTo(CallLimiter.Signal.ANSWERED);
        assertThat(LogtoClient.signal(null, 422)).isEqualTo(CallLimiter.Signal.ANSWERED);
        assertThat(LogtoClient.signal(null, 401)).isEqualTo(CallLimiter.Signal.IGNORED);
        assertThat(LogtoClient.signal(new ConnectException("refused"), 0)).isEqualTo(CallLimiter.Signal.IGNORED);
    }

    @Test
    void theExecutorSeesTheSameSplit() {
        assertThat(new LogtoApiException("op", 500, null, null, null).overloadSignal())
                .isTrue();
        assertThat(new LogtoApiException("op", 404, null, null, null).overloadSignal())
                .isFalse();
        assertThat(new LogtoTransportException("op", new TimeoutException("t"), true).overloadSignal())
                .isTrue();
        assertThat(new LogtoTransportException("op", new ConnectException("refused"), false).overloadSignal())
                .as("a refused connection is an outage sign: it goes to the breaker at once")
                .isFalse();
    }
}
