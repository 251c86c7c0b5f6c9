package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.wire.WireFormat;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops audit verify}: reads audit partitions (read_committed, no group, nothing committed) up to their end as
 * of the call and checks that each event's {@code previousHash} is the hash of the event read before it.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Check the audit hash chain: each event's previousHash must be the hash of the previous event",
            "of its partition, and the first event of a partition must link to GENESIS (64 zeros).",
            "Prints 'partition P: ok N events' or the first break per partition; exit code 1 on any break.",
            "Example: ops audit verify --partitions 0,3 --from-offset 1200"
        })
final class AuditVerifyCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--partitions",
            split = ",",
            paramLabel = "P,...",
            description = "Partitions to check. Default: all.")
    List<Integer> partitions;

    @Option(
            names = "--from-offset",
            paramLabel = "OFFSET",
            description = {
                "Start here (or at the oldest record still there, if later) in every partition checked,",
                "trusting the first event read as the anchor of the rest. Default: the start of each partition,",
                "whose first event must link to GENESIS, so a deleted head is reported."
            })
    Long fromOffset;

    @Override
    int run() throws Exception {
        if (fromOffset != null && fromOffset < 0) {
            throw usage("--from-offset must be 0 or more");
        }
        String topic = topics.audit;
        Map<TopicPartition, AuditChainCheck> checks = new LinkedHashMap<>();
        try (WireFormatDeserializer values = new WireFormatDeserializer();
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(kafka.reader(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            values.configure(kafka.serde(), false);
            List<TopicPartition> tps = selected(Kafka.partitions(consumer, topic));
            consumer.assign(tps);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(tps, Kafka.TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Kafka.TIMEOUT);
            for (TopicPartition tp : tps) {
                long first = fromOffset == null ? start.get(tp) : Math.max(fromOffset, start.get(tp));
                // Without --from-offset (or with 0) the first record must open the chain: if records at the head
                // were deleted, that is what shows it. An explicit later offset is the operator's chosen anchor.
                boolean fromPartitionStart = fromOffset == null || fromOffset == 0;
                consumer.seek(tp, first);
                checks.put(tp, new AuditChainCheck(tp.partition(), fromPartitionStart, first));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp, Kafka.TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new OpsException("gave up reading " + topic + " after 30 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        check(checks.get(tp), r, values);
                    }
                }
            }
        }
        int brokenPartitions = 0;
        for (AuditChainCheck check : checks.values()) {
            out().println(check.report());
            if (!check.ok()) {
                brokenPartitions++;
            }
        }
        out().println(
                        brokenPartitions == 0
                                ? "audit chain intact in " + checks.size() + " partition(s)"
                                : brokenPartitions + " of " + checks.size() + " partition(s) broken");
        return brokenPartitions == 0 ? 0 : 1;
    }

    private static void check(AuditChainCheck check, ConsumerRecord<byte[], byte[]> r, WireFormatDeserializer values) {
        Object value;
        try {
            value = values.deserialize(r.topic(), r.value());
        } catch (WireFormatException e) {
            if (e.retryable()) {
                // Says nothing about the record; a verdict now would be a false alarm.
                throw new OpsException("cannot verify: " + e.getMessage(), e);
            }
            check.accept(r.offset(), null, null, "not a decodable audit event (" + e.reason() + ")");
            return;
        }
        if (!(value instanceof AuditEvent event)) {
            check.accept(
                    r.offset(),
                    null,
                    null,
                    "not an AuditEvent ("
                            + (value == null ? "null" : value.getClass().getSimpleName()) + ")");
            return;
        }
        byte[] datum = Arrays.copyOfRange(r.value(), WireFormat.HEADER_SIZE, r.value().length);
        check.accept(r.offset(), event, datum, null);
    }

    private List<TopicPartition> selected(List<TopicPartition> all) {
        if (partitions == null || partitions.isEmpty()) {
            return all;
        }
        List<TopicPartition> out = new ArrayList<>();
        for (int p : partitions) {
            TopicPartition tp = all.stream()
                    .filter(t -> t.partition() == p)
                    .findFirst()
                    .orElseThrow(() -> usage("partition " + p + " does not exist in "
                            + all.get(0).topic() + " (it has " + all.size() + ")"));
            if (!out.contains(tp)) {
                out.add(tp);
            }
        }
        return out;
    }
}
