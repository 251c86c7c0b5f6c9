package dev.logtocp.ops.cli;

import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Compares the cluster's topics with the contract and lists every difference, one sentence each. Pure
 * comparison in {@link #compare} so it can be tested without a broker.
 */
final class TopicCheck {

    /** What the cluster has for one topic; {@code null} in the map means the topic is missing. */
    record Actual(int partitions, int replicationFactor, Map<String, String> configs) {}

    private TopicCheck() {}

    /** Reads the contract's topics from the cluster. */
    static Map<String, Actual> describe(Admin admin, TopicContract contract) throws InterruptedException {
        Set<String> existing = Kafka.await(admin.listTopics().names());
        List<String> present = contract.topics().stream()
                .map(TopicSpec::name)
                .filter(existing::contains)
                .distinct()
                .toList();
        Map<String, Actual> out = new HashMap<>();
        if (present.isEmpty()) {
            return out;
        }
        Map<String, TopicDescription> descriptions =
                Kafka.await(admin.describeTopics(present).allTopicNames());
        List<ConfigResource> resources = present.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                .toList();
        Map<ConfigResource, Config> configs =
                Kafka.await(admin.describeConfigs(resources).all());
        for (String name : present) {
            TopicDescription d = descriptions.get(name);
            Map<String, String> values = new HashMap<>();
            Collection<ConfigEntry> entries = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .entries();
            for (ConfigEntry e : entries) {
                if (e.value() != null) {
                    values.put(e.name(), e.value());
                }
            }
            out.put(
                    name,
                    new Actual(
                            d.partitions().size(),
                            d.partitions().get(0).replicas().size(),
                            values));
        }
        return out;
    }

    /**
     * Every mismatch between {@code contract} and {@code actual}. Partition counts are checked against the
     * contract only when {@code checkPartitionCount}; the co-partitioning rule (outcomes and audit as many
     * partitions as commands) is checked always.
     */
    static List<String> compare(TopicContract contract, Map<String, Actual> actual, boolean checkPartitionCount) {
        List<String> problems = new ArrayList<>();
        for (TopicSpec spec : contract.topics()) {
            Actual a = actual.get(spec.name());
            if (a == null) {
                problems.add(spec.name() + " (" + spec.role() + "): missing");
                continue;
            }
            boolean coPartitioned =
                    spec.role().equals("outcomes") || spec.role().equals("audit");
            if (spec.partitions() != a.partitions()
                    && (checkPartitionCount || !coPartitioned && !spec.role().equals("commands"))) {
                problems.add(spec.name() + " (" + spec.role() + "): " + a.partitions() + " partitions, expected "
                        + spec.partitions());
            }
            if (spec.replicationFactor() != a.replicationFactor()) {
                problems.add(spec.name() + " (" + spec.role() + "): replication factor " + a.replicationFactor()
                        + ", expected " + spec.replicationFactor());
            }
            // The contract never asks for compaction: commands and outcomes are a log, not a table.
            String policy = spec.configs().getOrDefault("cleanup.policy", "delete");
            if (!Objects.equals(policy, a.configs().getOrDefault("cleanup.policy", "delete"))) {
                problems.add(spec.name() + " (" + spec.role() + "): cleanup.policy="
                        + a.configs().get("cleanup.policy") + ", expected " + policy);
            }
            for (Map.Entry<String, String> wanted : spec.configs().entrySet()) {
                if (wanted.getKey().equals("cleanup.policy")) {
                    continue;
                }
                String have = a.configs().get(wanted.getKey());
                if (!wanted.getValue().equals(have)) {
                    problems.add(spec.name() + " (" + spec.role() + "): " + wanted.getKey() + "=" + have + ", expected "
                            + wanted.getValue());
                }
            }
        }
        Actual commands = actual.get(contract.commands());
        if (commands != null) {
            for (String topic : List.of(contract.outcomes(), contract.audit())) {
                Actual a = actual.get(topic);
                if (a != null && a.partitions() != commands.partitions()) {
                    problems.add(
                            topic + ": " + a.partitions() + " partitions but the command topic " + contract.commands()
                                    + " has " + commands.partitions() + " (co-partitioning: they must be equal)");
                }
            }
        }
        return problems;
    }
}
