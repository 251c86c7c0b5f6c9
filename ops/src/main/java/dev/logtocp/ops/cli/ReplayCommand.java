package dev.logtocp.ops.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops replay}: moves the processor group's committed offsets back (or forward) so that the processor
 * reads those commands again. Safe because every handler is idempotent; refused while the group has members,
 * because the broker would reject the move anyway and a running processor would overwrite it.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Move the processor group's committed offsets to a timestamp, an offset or the beginning.",
            "Stop the processor first (or use --force). Example:",
            "  ops replay --to-timestamp 2025-01-31T12:00:00Z --partitions 0,2 --dry-run"
        })
final class ReplayCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--group",
            defaultValue = "logto-command-processor",
            paramLabel = "GROUP",
            description = "The processor's consumer group. Default: ${DEFAULT-VALUE}")
    String group;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "Topic whose offsets move. Default: the command topic.")
    String topic;

    @Option(
            names = "--partitions",
            split = ",",
            paramLabel = "P",
            description = "Partitions to move, e.g. 0,2. Default: all.")
    List<Integer> partitions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Where to move to: exactly one. */
    static final class Target {
        @Option(
                names = "--to-timestamp",
                paramLabel = "ISO-8601",
                description = "First record at or after this instant, e.g. 2025-01-31T12:00:00Z.")
        String timestamp;

        @Option(
                names = "--to-offset",
                paramLabel = "N",
                description = "This offset (clamped to the partition's range).")
        Long offset;

        @Option(names = "--to-earliest", description = "The oldest record still retained.")
        boolean earliest;
    }

    @Option(names = "--dry-run", description = "Print the plan, move nothing.")
    boolean dryRun;

    @Option(
            names = "--force",
            description = "Move even though the group has active members (the broker may still refuse).")
    boolean force;

    @Option(
            names = "--watch",
            description = "After moving, show progress of the group through the replayed range until done or Ctrl-C.")
    boolean watch;

    /** One partition's plan; {@code committed} is null when the group has no offset there. */
    record Step(TopicPartition partition, Long committed, long target, long end) {
        /** Commands read again: those between the target and the committed offset (an upper bound with transactions). */
        long reprocessed() {
            return committed == null ? 0 : Math.max(0, committed - target);
        }
    }

    @Override
    int run() throws Exception {
        String replayTopic = topic != null ? topic : topics.commands;
        Instant timestamp =
                target.timestamp == null ? null : JsonCommands.parseInstant(target.timestamp, "--to-timestamp");
        if (target.offset != null && target.offset < 0) {
            throw usage("--to-offset must not be negative");
        }
        try (Admin admin = kafka.admin()) {
            ConsumerGroupDescription description = describeGroup(admin);
            int members = description == null ? 0 : description.members().size();
            String state = description == null
                    ? "unknown to the broker"
                    : description.groupState().toString();
            List<TopicPartition> tps = selectedPartitions(admin, replayTopic);
            List<Step> plan = plan(admin, tps, timestamp);

            out().println((dryRun ? "plan for" : "moving") + " group " + group + " on " + replayTopic + " (group state "
                    + state + ", " + members + " active member(s))");
            long total = 0;
            for (Step s : plan) {
                out().printf(
                                "partition %d: committed %s -> target %d (end %d), %d command(s) to reprocess%n",
                                s.partition().partition(),
                                s.committed() == null ? "none" : s.committed().toString(),
                                s.target(),
                                s.end(),
                                s.reprocessed());
                total += s.reprocessed();
            }
            out().println("total: " + total + " command(s) to reprocess");
            if (dryRun) {
                return 0;
            }
            if (members > 0 && !force) {
                err().println("error: group " + group + " has " + members
                        + " active member(s); stop the processor first, or use --force");
                return 1;
            }
            Map<TopicPartition, OffsetAndMetadata> moves = new HashMap<>();
            for (Step s : plan) {
                moves.put(s.partition(), new OffsetAndMetadata(s.target(), "ops replay " + Instant.now()));
            }
            Kafka.await(admin.alterConsumerGroupOffsets(group, moves).all());
            out().println("moved " + plan.size() + " partition(s)");
            out().flush();
            if (watch) {
                watch(admin, plan);
            }
            return 0;
        }
    }

    /** The group, or null when the broker has never heard of it (a group that never committed). */
    private ConsumerGroupDescription describeGroup(Admin admin) throws InterruptedException {
        try {
            return Kafka.await(admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group));
        } catch (OpsException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> result =
                    Kafka.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            result.forEach((tp, o) -> {
                if (o != null) {
                    out.put(tp, o);
                }
            });
            return out;
        } catch (OpsException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw e;
        }
    }

    private List<TopicPartition> selectedPartitions(Admin admin, String replayTopic) throws InterruptedException {
        TopicDescription d = Kafka.await(
                        admin.describeTopics(List.of(replayTopic)).allTopicNames())
                .get(replayTopic);
        List<Integer> existing = d.partitions().stream()
                .map(TopicPartitionInfo::partition)
                .sorted()
                .toList();
        List<Integer> chosen = partitions == null || partitions.isEmpty() ? existing : partitions;
        List<TopicPartition> out = new ArrayList<>();
        for (int p : chosen) {
            if (!existing.contains(p)) {
                throw usage("topic " + replayTopic + " has no partition " + p + " (it has 0.." + (existing.size() - 1)
                        + ")");
            }
            out.add(new TopicPartition(replayTopic, p));
        }
        return out;
    }

    private List<Step> plan(Admin admin, List<TopicPartition> tps, Instant timestamp) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
        // The processor reads read_committed, so "the end" is the last stable offset.
        ListOffsetsOptions stable = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, Long> earliest = offsets(admin, tps, OffsetSpec.earliest(), stable);
        Map<TopicPartition, Long> end = offsets(admin, tps, OffsetSpec.latest(), stable);
        Map<TopicPartition, Long> atTime = timestamp == null
                ? Map.of()
                : offsets(admin, tps, OffsetSpec.forTimestamp(timestamp.toEpochMilli()), stable);
        List<Step> plan = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long targetOffset;
            if (timestamp != null) {
                long found = atTime.get(tp);
                // No record at or after the instant: nothing to replay on this partition, go to its end.
                targetOffset = found < 0 ? end.get(tp) : found;
            } else if (target.offset != null) {
                targetOffset = Math.max(earliest.get(tp), Math.min(end.get(tp), target.offset));
            } else {
                targetOffset = earliest.get(tp);
            }
            OffsetAndMetadata c = committed.get(tp);
            plan.add(new Step(tp, c == null ? null : c.offset(), targetOffset, end.get(tp)));
        }
        return plan;
    }

    private static Map<TopicPartition, Long> offsets(
            Admin admin, List<TopicPartition> tps, OffsetSpec spec, ListOffsetsOptions options)
            throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        tps.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result =
                Kafka.await(admin.listOffsets(request, options).all());
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Redraws one line until the group's committed offsets reach the ends captured at replay time. */
    private void watch(Admin admin, List<Step> plan) throws InterruptedException {
        long total =
                plan.stream().mapToLong(s -> Math.max(0, s.end() - s.target())).sum();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
            long done = 0;
            for (Step s : plan) {
                OffsetAndMetadata c = committed.get(s.partition());
                long at = c == null ? s.target() : Math.min(c.offset(), s.end());
                done += Math.max(0, at - s.target());
            }
            out().print("\r" + ProgressBar.render(done, total, 40));
            out().flush();
            if (done >= total) {
                out().println();
                out().println("replayed range worked through");
                return;
            }
            Thread.sleep(Duration.ofSeconds(1));
        }
    }
}
