package dev.logtocp.view;

import dev.logtocp.schema.wire.WireFormatException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the view does with a record it cannot decode. A record that is not an outcome or audit event in the wire
 * format (a tombstone, garbage, an unknown schema id) is skipped with a warning: the view cannot show it, and it must
 * not stop the view. A registry that cannot be reached is not a verdict on the record: the stream thread fails, is
 * replaced (see {@link CommandView}) and reads the record again from the last commit. Called on stream threads.
 */
public final class UndecodableRecords implements DeserializationExceptionHandler {
    private static final Logger LOGGER = LoggerFactory.getLogger(UndecodableRecords.class);

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public DeserializationHandlerResponse handle(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof WireFormatException w
                && w.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
            return DeserializationHandlerResponse.FAIL;
        }
        LOGGER.atWarn()
                .addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset())
                .addKeyValue("error", exception.getMessage())
                .log("skipping a record the view cannot decode");
        return DeserializationHandlerResponse.CONTINUE;
    }
}
