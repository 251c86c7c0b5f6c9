package dev.logtocp.topics;

import java.util.Map;

/**
 * One topic as the contract wants it.
 *
 * @param role        what the topic is for, e.g. {@code commands}
 * @param partitions  partition count; command and ledger topics must match (co-partitioning)
 * @param configs     topic-level configs, e.g. {@code cleanup.policy=compact}
 */
public record TopicSpec(
        String role, String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException(role + ": partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(role + ": replication factor must be at least 1");
        }
        configs = Map.copyOf(configs);
    }
}
