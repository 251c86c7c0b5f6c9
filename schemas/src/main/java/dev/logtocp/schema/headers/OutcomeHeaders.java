package dev.logtocp.schema.headers;

import dev.logtocp.outcomes.CommandOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Kafka record headers the processor puts on every outcome record, so that request/reply clients can match an
 * outcome to the command they sent without decoding the value (and without a schema registry). Values are UTF-8.
 * The same facts are in the {@link CommandOutcome} value; the headers are a copy, never the only place.
 */
public final class OutcomeHeaders {

    /** {@code CommandMeta.commandId} of the command this outcome answers; always present. */
    public static final String COMMAND_ID = "lcp-command-id";
    /** {@code CommandMeta.correlationId} of the command; present only when the command had one. */
    public static final String CORRELATION_ID = "lcp-correlation-id";

    private OutcomeHeaders() {}

    /** {@code headers} followed by the outcome's command id and, when set, its correlation id. */
    public static List<Header> appendTo(List<Header> headers, CommandOutcome outcome) {
        List<Header> out = new ArrayList<>(headers.size() + 2);
        out.addAll(headers);
        out.add(new RecordHeader(COMMAND_ID, outcome.getCommandId().getBytes(StandardCharsets.UTF_8)));
        if (outcome.getCorrelationId() != null) {
            out.add(new RecordHeader(CORRELATION_ID, outcome.getCorrelationId().getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** The command id header of a record, or null when it has none (an outcome from an older processor). */
    public static String commandId(Headers headers) {
        return text(headers, COMMAND_ID);
    }

    /** The correlation id header of a record, or null. */
    public static String correlationId(Headers headers) {
        return text(headers, CORRELATION_ID);
    }

    private static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
