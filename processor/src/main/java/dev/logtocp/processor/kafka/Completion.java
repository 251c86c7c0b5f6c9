package dev.logtocp.processor.kafka;

import dev.logtocp.internal.LedgerEntry;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A finished command record and everything to publish for it. Created on any thread, handed to the consumer
 * thread, which publishes it and the offset past it in one transaction.
 *
 * @param ledgerEntry the decision to remember for the idempotency ledger, or null when nothing is recorded
 * @param reference   the externalId mapping change to apply once committed, or null
 * @param onSettled   told once, on the consumer thread, when this completion was committed or dropped (the per-key
 *                    commit barrier frees the command's key then), or null
 */
record Completion(
        PartitionState partition,
        long offset,
        List<Output> outputs,
        LedgerEntry ledgerEntry,
        ReferenceChange reference,
        Runnable onSettled) {

    Completion(PartitionState partition, long offset, List<Output> outputs) {
        this(partition, offset, outputs, null, null, null);
    }

    /** Committed, or dropped for good (its partition was rewound or lost). */
    void settle() {
        if (onSettled != null) {
            onSettled.run();
        }
    }

    /**
     * One record to publish: Avro values go through the value serializer, byte arrays are published as they are.
     *
     * @param partition explicit partition (ledger records follow their command's partition), or null for the
     *                  default partitioner
     */
    record Output(String topic, Integer partition, byte[] key, Object value, List<Header> headers) {

        Output(String topic, byte[] key, Object value, List<Header> headers) {
            this(topic, null, key, value, headers);
        }
    }
}
