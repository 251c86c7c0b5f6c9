package dev.logtocp.processor.kafka;

import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.schema.headers.OutcomeHeaders;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * The headers an output record is published with: its own, plus, on an outcome, the command id and correlation id
 * ({@link OutcomeHeaders}) so request/reply clients can match it without decoding the value. Stateless; called by
 * whichever thread serializes a batch.
 */
final class OutcomeRecordHeaders {

    private OutcomeRecordHeaders() {}

    static List<Header> of(Completion.Output output) {
        return output.value() instanceof CommandOutcome outcome
                ? OutcomeHeaders.appendTo(output.headers(), outcome)
                : output.headers();
    }
}
