package dev.logtocp.processor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What the chaos suites ask Kafka about the processors' consumer group and its topics, from outside, through the
 * admin client: who owns partitions, how far behind the group is, and every committed record of a topic.
 *
 * <p>Not thread-safe: drive it from the test thread.
 */
final class GroupWatch {
    private final Admin admin;
    private final String bootstrapServers;
    private final String groupId;
    private final String commandTopic;
    private final int partitions;

    GroupWatch(Admin admin, String bootstrapServers, String groupId, String commandTopic, int partitions) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.groupId = groupId;
        this.commandTopic = commandTopic;
        this.partitions = partitions;
    }

    /** The group's members, none while the group does not exist yet. */
    Collection<MemberDescription> members() throws Exception {
        try {
            return admin.describeConsumerGroups(List.of(groupId))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(groupId)
                    .members();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw e;
        }
    }

    /** Waits up to {@code limit} until {@code n} members hold partitions; fails the test otherwise. */
    void awaitMembersWithPartitions(int n, Duration limit, Object logDir) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (members().stream()
                        .filter(m -> !m.assignment().topicPartitions().isEmpty())
                        .count()
                < n) {
            assertThat(Instant.now())
                    .as("%d processor instances owning partitions within %s (logs in %s)", n, limit, logDir)
                    .isBefore(deadline);
            Thread.sleep(250);
        }
    }

    /** Waits up to {@code limit} until fleet slot {@code slot} holds partitions; false when it did not. */
    boolean awaitOwnsPartitions(int slot, Duration limit) throws Exception {
        String clientId = groupId + "-" + ProcessorFleet.instanceId(slot) + "-consumer";
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (members().stream()
                    .anyMatch(m -> m.clientId().equals(clientId)
                            && !m.assignment().topicPartitions().isEmpty())) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    int coordinator() throws Exception {
        return admin.describeConsumerGroups(List.of(groupId))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(groupId)
                .coordinator()
                .id();
    }

    /** Command records not yet committed by the group, per partition of the command topic. */
    Map<Integer, Long> lagPerPartition() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(commandTopic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> lag = new TreeMap<>();
        for (TopicPartition tp : latest.keySet()) {
            OffsetAndMetadata c = committed.get(tp);
            lag.put(tp.partition(), ends.get(tp).offset() - (c == null ? 0 : c.offset()));
        }
        return lag;
    }

    long totalLag() throws Exception {
        return lagPerPartition().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Everything committed in {@code topic}, from the beginning to the last stable offset at the time of the call. */
    <K, V> List<ConsumerRecord<K, V>> readToEnd(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "5000");
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Instant deadline = Instant.now().plusSeconds(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(Instant.now()).as("reading %s to its end", topic).isBefore(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
