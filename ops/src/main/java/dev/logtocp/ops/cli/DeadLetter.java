package dev.logtocp.ops.cli;

import dev.logtocp.processor.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** One record of the dead-letter topic and what its provenance headers say. Immutable view over the record. */
record DeadLetter(String topic, int partition, long offset, byte[] key, byte[] value, List<Header> headers) {

    /** Header the redrive adds to the record it sends back: {@code <dlqTopic>-<partition>@<offset>}. */
    static final String REDRIVEN_FROM = "dlq.redriven-from";

    static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
        List<Header> headers = new ArrayList<>();
        r.headers().forEach(headers::add);
        return new DeadLetter(r.topic(), r.partition(), r.offset(), r.key(), r.value(), List.copyOf(headers));
    }

    /** Stable name of this dead letter, used as provenance and as the redrive marker key. */
    String id() {
        return topic + "-" + partition + "@" + offset;
    }

    String position() {
        return partition + ":" + offset;
    }

    String header(String name) {
        String found = null;
        for (Header h : headers) {
            if (h.key().equals(name)) {
                found = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    String sourceTopic() {
        return header(DeadLetterHeaders.TOPIC);
    }

    Integer sourcePartition() {
        String p = header(DeadLetterHeaders.PARTITION);
        try {
            return p == null ? null : Integer.valueOf(p);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String source() {
        return sourceTopic() + "-" + header(DeadLetterHeaders.PARTITION) + "@" + header(DeadLetterHeaders.OFFSET);
    }

    String errorClass() {
        return header(DeadLetterHeaders.ERROR_CLASS);
    }

    String reason() {
        return header(DeadLetterHeaders.REASON);
    }

    String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /**
     * The headers the record had before it was dead-lettered: every {@code dlq.*} header is dropped (the
     * processor's provenance, and the provenance of an earlier redrive), then this redrive's provenance added.
     */
    List<Header> redriveHeaders() {
        List<Header> out = new ArrayList<>();
        for (Header h : headers) {
            if (!h.key().startsWith("dlq.")) {
                out.add(h);
            }
        }
        out.add(new RecordHeader(REDRIVEN_FROM, id().getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
