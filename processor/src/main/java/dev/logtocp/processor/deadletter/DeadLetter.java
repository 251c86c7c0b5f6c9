package dev.logtocp.processor.deadletter;

import dev.logtocp.schema.headers.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One record of the dead-letter topic and what its provenance headers say. Immutable view over the record; shared
 * by the operator CLI ({@code ops dlq}) and the processor's operator console.
 */
public record DeadLetter(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    /** Header the redrive adds to the record it sends back: {@code <dlqTopic>-<partition>@<offset>}. */
    public static final String REDRIVEN_FROM = "dlq.redriven-from";

    public DeadLetter {
        headers = List.copyOf(headers);
    }

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
        List<Header> headers = new ArrayList<>();
        r.headers().forEach(headers::add);
        return new DeadLetter(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    /** Stable name of this dead letter, used as provenance and as the redrive marker key. */
    public String id() {
        return topic + "-" + partition + "@" + offset;
    }

    /** {@code <partition>:<offset>}, how operators name a dead letter. */
    public String position() {
        return partition + ":" + offset;
    }

    /** The last value of header {@code name} as UTF-8 text, or null. */
    public String header(String name) {
        String found = null;
        for (Header h : headers) {
            if (h.key().equals(name)) {
                found = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    public String sourceTopic() {
        return header(DeadLetterHeaders.TOPIC);
    }

    public Integer sourcePartition() {
        String p = header(DeadLetterHeaders.PARTITION);
        try {
            return p == null ? null : Integer.valueOf(p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String source() {
        return sourceTopic() + "-" + header(DeadLetterHeaders.PARTITION) + "@" + header(DeadLetterHeaders.OFFSET);
    }

    public String errorClass() {
        return header(DeadLetterHeaders.ERROR_CLASS);
    }

    public String reason() {
        return header(DeadLetterHeaders.REASON);
    }

    public String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** The headers the record had before it was dead-lettered (every {@code dlq.*} header left out). */
    public List<Header> originalHeaders() {
        List<Header> out = new ArrayList<>();
        for (Header h : headers) {
            if (!h.key().startsWith("dlq.")) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * The headers to send back: the original ones (the processor's provenance and that of an earlier redrive
     * dropped), then this redrive's provenance.
     */
    public List<Header> redriveHeaders() {
        List<Header> out = originalHeaders();
        out.add(new RecordHeader(REDRIVEN_FROM, id().getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** Parses {@code <partition>:<offset>}; null when malformed. */
    public static long[] parsePosition(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            long p = Integer.parseInt(text.substring(0, colon));
            long o = Long.parseLong(text.substring(colon + 1));
            return p < 0 || o < 0 ? null : new long[] {p, o};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
