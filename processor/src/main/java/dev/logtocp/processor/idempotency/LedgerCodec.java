package dev.logtocp.processor.idempotency;

import dev.logtocp.internal.LedgerEntry;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes ledger entries held in the ledger topic's own record format: the store keeps the bytes a restore reads
 * or the publisher wrote, and only a hit is decoded.
 */
public record LedgerCodec(String ledgerTopic, Deserializer<Object> deserializer) {

    /** The entry, or null when the record holds something else (only the processor writes this topic). */
    LedgerEntry decode(byte[] encoded) {
        return deserializer.deserialize(ledgerTopic, encoded) instanceof LedgerEntry entry ? entry : null;
    }
}
