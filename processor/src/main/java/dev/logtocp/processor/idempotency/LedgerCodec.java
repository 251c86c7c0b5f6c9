package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.LedgerEntry;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How the ledger stores committed entries: in the ledger topic's own record format, so a restore keeps the
 * bytes it reads and only a hit is decoded.
 */
public record LedgerCodec(String ledgerTopic, Serializer<Object> serializer, Deserializer<Object> deserializer) {

    byte[] encode(LedgerEntry entry) {
        return serializer.serialize(ledgerTopic, entry);
    }

    /** The entry, or null when the record holds something else (only the processor writes this topic). */
    LedgerEntry decode(byte[] encoded) {
        return deserializer.deserialize(ledgerTopic, encoded) instanceof LedgerEntry entry ? entry : null;
    }
}
