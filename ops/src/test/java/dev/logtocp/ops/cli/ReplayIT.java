package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.testkit.KafkaTestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayIT {
    private static final Instant BASE = Instant.parse("2025-01-31T12:00:00Z");
    private final KafkaTestCluster kafka = KafkaTestCluster.shared();
    private String topic;
    private String group;

    /** Two partitions of ten records each, stamped BASE + i seconds; the group has committed everything. */
    @BeforeEach
    void tenRecordsPerPartitionAllCommitted() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        topic = "replay-" + suffix;
        group = "group-" + suffix;
        kafka.createTopic(topic, 2, Map.of());
        try (var producer =
                new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < 10; i++) {
                    producer.send(
                            new ProducerRecord<>(topic, p, BASE.plusSeconds(i).toEpochMilli(), "k", "v" + i));
                }
            }
            producer.flush();
        }
        commit(10, 10);
    }

    private void commit(long p0, long p1) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        offsets.put(new TopicPartition(topic, 0), new OffsetAndMetadata(p0));
        offsets.put(new TopicPartition(topic, 1), new OffsetAndMetadata(p1));
        kafka.admin().alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
    }

    private Map<Integer, Long> committed() throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        kafka.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS)
                .forEach((tp, o) -> out.put(tp.partition(), o.offset()));
        return out;
    }

    /** The committed offsets once they equal the expected ones, or after 5 s (offset reads can lag a write briefly). */
    private Map<Integer, Long> awaitCommitted(long p0, long p1) throws Exception {
        Instant deadline = Instant.now().plusSeconds(5);
        Map<Integer, Long> now = committed();
        while (!(now.getOrDefault(0, -1L) == p0 && now.getOrDefault(1, -1L) == p1)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            now = committed();
        }
        return now;
    }

    private CliRun replay(String... more) {
        List<String> args = new ArrayList<>(
                List.of("replay", "--bootstrap-servers", kafka.bootstrapServers(), "--group", group, "--topic", topic));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void dryRunReportsPerPartitionCountsAndMovesNothing() throws Exception {
        CliRun byOffset = replay("--to-offset", "4", "--dry-run");
        assertThat(byOffset.exitCode()).as(byOffset.toString()).isZero();
        assertThat(byOffset.out())
                .contains("partition 0: committed 10 -> target 4 (end 10), 6 command(s) to reprocess")
                .contains("partition 1: committed 10 -> target 4 (end 10), 6 command(s) to reprocess")
                .contains("total: 12 command(s) to reprocess");

        CliRun byTime = replay("--to-timestamp", BASE.plusSeconds(7).toString(), "--partitions", "1", "--dry-run");
        assertThat(byTime.out())
                .contains("partition 1: committed 10 -> target 7 (end 10), 3 command(s) to reprocess")
                .doesNotContain("partition 0")
                .contains("total: 3 command(s)");

        CliRun future = replay("--to-timestamp", "2030-01-01T00:00:00Z", "--dry-run");
        assertThat(future.out()).contains("total: 0 command(s)");
        assertThat(committed()).containsEntry(0, 10L).containsEntry(1, 10L);
    }

    @Test
    void aRealReplayMovesOnlyTheChosenPartitions() throws Exception {
        CliRun run = replay("--to-earliest", "--partitions", "0");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("moved 1 partition(s)");
        assertThat(awaitCommitted(0L, 10L))
                .as(run.toString())
                .containsEntry(0, 0L)
                .containsEntry(1, 10L);

        CliRun clamped = replay("--to-offset", "99");
        assertThat(clamped.exitCode()).isZero();
        assertThat(awaitCommitted(10L, 10L)).containsEntry(0, 10L).containsEntry(1, 10L);
    }

    @Test
    void watchFollowsTheGroupThroughTheReplayedRange() throws Exception {
        CompletableFuture<Void> processorCatchesUp = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(1500);
                commit(10, 10);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CliRun run = replay("--to-offset", "5", "--watch");
        processorCatchesUp.join();
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains(
                        "[----------------------------------------]   0%  0/10",
                        "100%  10/10", "replayed range worked through");
    }

    @Test
    void refusesWhileTheGroupHasAnActiveMember() throws Exception {
        Properties props = kafka.clientProperties();
        props.put("group.id", group);
        props.put("enable.auto.commit", "false");
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (consumer.assignment().isEmpty() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(100));
            }
            CliRun refused = replay("--to-earliest");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("error: group " + group
                            + " has 1 active member(s); stop the processor first, or use --force");
            assertThat(committed()).containsEntry(0, 10L);

            CliRun dryRun = replay("--to-earliest", "--dry-run");
            assertThat(dryRun.exitCode()).isZero();
            assertThat(dryRun.out()).contains("1 active member(s)");
        }
    }

    @Test
    void targetsAreExclusiveAndPartitionsMustExist() {
        assertThat(replay("--dry-run").exitCode()).isEqualTo(2);
        assertThat(replay("--to-earliest", "--to-offset", "1").exitCode()).isEqualTo(2);
        CliRun noSuchPartition = replay("--to-earliest", "--partitions", "7");
        assertThat(noSuchPartition.exitCode()).isEqualTo(2);
        assertThat(noSuchPartition.err()).contains("has no partition 7");
    }
}
