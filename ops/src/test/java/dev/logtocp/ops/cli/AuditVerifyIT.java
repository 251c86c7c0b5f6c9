package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ops audit verify} against the shared in-JVM Kafka. The audit topic has four partitions, each holding one
 * scenario, written transactionally (a few events per transaction) so commit markers sit between the offsets:
 * 0 an intact chain, 1 a chain with one event left out, 2 a chain with one event altered after it was hashed, and
 * 3 an intact chain whose first records are deleted afterwards.
 */
class AuditVerifyIT {
    static final int EVENTS = 20;
    private static OpsStack stack;

    @BeforeAll
    static void produce() throws Exception {
        stack = new OpsStack(4);
        List<AuditEvent> intact = AuditEvents.chain(0, EVENTS);
        List<AuditEvent> missing = new java.util.ArrayList<>(AuditEvents.chain(1, EVENTS));
        missing.remove(7);
        List<AuditEvent> altered = new java.util.ArrayList<>(AuditEvents.chain(2, EVENTS));
        altered.set(
                10,
                AuditEvent.newBuilder(altered.get(10)).setActor("someone-else").build());
        List<AuditEvent> truncated = AuditEvents.chain(3, EVENTS);

        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "audit-verify-it-" + UUID.randomUUID());
        Map<String, Object> serde =
                Map.of("schema.registry.url", stack.registry.url(), "value.subject.name.strategy", "record");
        WireFormatSerializer values = new WireFormatSerializer();
        values.configure(serde, false);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
            producer.initTransactions();
            int partition = 0;
            for (List<AuditEvent> events : List.of(intact, missing, altered, truncated)) {
                for (int i = 0; i < events.size(); i += 3) {
                    producer.beginTransaction();
                    for (AuditEvent event : events.subList(i, Math.min(i + 3, events.size()))) {
                        producer.send(
                                new ProducerRecord<>(stack.topics.audit(), partition, event.getTargetUserId(), event));
                    }
                    producer.commitTransaction();
                }
                partition++;
            }
        }
        Kafka.await(stack.kafka
                .admin()
                .deleteRecords(Map.of(new TopicPartition(stack.topics.audit(), 3), RecordsToDelete.beforeOffset(8)))
                .all());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    static CliRun verify(String... more) {
        return stack.run(List.of("audit", "verify"), more);
    }

    @Test
    void intactChainIsOk() {
        CliRun run = verify("--partitions", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("partition 0: ok " + EVENTS + " events", "audit chain intact in 1 partition(s)");
    }

    @Test
    void aLeftOutEventIsABreak() {
        CliRun run = verify("--partitions", "1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern(
                        "BROKEN partition 1 at offset \\d+: previousHash does not match the event at offset \\d+");
    }

    @Test
    void anAlteredEventIsABreak() {
        CliRun run = verify("--partitions", "2");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern(
                        "BROKEN partition 2 at offset \\d+: previousHash does not match the event at offset \\d+");
    }

    @Test
    void deletedHeadIsFoundUnlessAnchored() {
        CliRun fromStart = verify("--partitions", "3");
        assertThat(fromStart.exitCode()).as(fromStart.toString()).isEqualTo(1);
        assertThat(fromStart.out())
                .contains("BROKEN partition 3 at offset 8: the first event of the partition does not link to GENESIS");

        CliRun anchored = verify("--partitions", "3", "--from-offset", "8");
        assertThat(anchored.exitCode()).as(anchored.toString()).isZero();
        assertThat(anchored.out()).contains("partition 3: ok", "anchored at the first event read from offset 8");
    }

    @Test
    void allPartitionsByDefaultAndFromAnOffset() {
        CliRun all = verify();
        assertThat(all.exitCode()).as(all.toString()).isEqualTo(1);
        assertThat(all.out())
                .contains(
                        "partition 0: ok " + EVENTS + " events",
                        "BROKEN partition 1",
                        "BROKEN partition 2",
                        "BROKEN partition 3",
                        "3 of 4 partition(s) broken");

        CliRun anchored = verify("--partitions", "0", "--from-offset", "5");
        assertThat(anchored.exitCode()).as(anchored.toString()).isZero();
        assertThat(anchored.out()).contains("partition 0: ok", "anchored at the first event read from offset 5");

        CliRun noSuchPartition = verify("--partitions", "9");
        assertThat(noSuchPartition.exitCode()).isEqualTo(2);
        assertThat(noSuchPartition.err()).contains("partition 9 does not exist");
    }
}
