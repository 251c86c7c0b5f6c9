package dev.logtocp.processor.kafka;

import dev.logtocp.processor.command.CommandHandler;
import dev.logtocp.processor.ownership.PartitionLease;
import dev.logtocp.processor.security.CommandGate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A decoded command on its way through the pipeline, with what it was read under. Immutable; made on the consumer
 * thread, then carried to the scheduler's context and to the execution context of its key.
 *
 * @param state      the offset bookkeeping of its partition, as of when it was read
 * @param handler    the handler of its type, looked up once when it was decoded
 * @param lease      its partition's ownership lease, which every Logto call of the command passes
 * @param refusal    why the issuer policy refused it, or null when it may run
 */
record AdmittedCommand(
        PartitionState state,
        PartitionLease lease,
        ConsumerRecord<byte[], byte[]> record,
        SpecificRecord command,
        CommandHandler<SpecificRecord> handler,
        Instant receivedAt,
        CommandGate.Refusal refusal) {

    /** Commands with the same key run one at a time, in offset order. */
    String orderingKey() {
        if (record.key() != null) {
            return new String(record.key(), StandardCharsets.UTF_8);
        }
        // Unkeyed commands still serialize per partition, which is all the order Kafka gave them.
        return "\u0000partition-" + record.topic() + "-" + record.partition();
    }

    /** False once the partition moved to another instance (or was rewound): its new owner runs the command. */
    boolean stillOurs() {
        return state.active() && lease.owned();
    }
}
