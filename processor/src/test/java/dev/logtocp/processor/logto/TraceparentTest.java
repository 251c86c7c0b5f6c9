package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTest {
    private static final String INCOMING = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aChildKeepsTheTraceIdAndFlagsWithANewSpanId() {
        String child = Traceparent.child(INCOMING);
        assertThat(child).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-01");
        assertThat(child).isNotEqualTo(INCOMING);
        assertThat(Traceparent.isValid(child)).isTrue();
    }

    @Test
    void malformedOrAllZeroValuesAreNotContinued() {
        assertThat(Traceparent.child(null)).isNull();
        assertThat(Traceparent.child("garbage")).isNull();
        assertThat(Traceparent.child("00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
                .isNull();
        assertThat(Traceparent.child("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isNull();
    }
}
