package dev.logtocp.topics;

import java.util.List;
import java.util.Map;

/**
 * The topics the processor reads and writes, in one place: the local stack, tests and operators create them from
 * here. Outcome and audit topics have as many partitions as the command topic so that a user's outcomes stay in
 * one partition, in order, like the user's commands.
 */
public record TopicContract(
        String commands, String outcomes, String audit, String deadLetters, int partitions, short replicationFactor) {

    public static final String DEFAULT_COMMANDS = "logto.commands";
    public static final String DEFAULT_OUTCOMES = "logto.command-outcomes";
    public static final String DEFAULT_AUDIT = "logto.audit";
    public static final String DEFAULT_DEAD_LETTERS = "logto.commands.dlq";
    /** Seven days: the processor's default LEDGER_RETENTION_MS. */
    public static final long DEFAULT_LEDGER_RETENTION_MS = 7L * 24 * 3600 * 1000;

    public static TopicContract defaults(int partitions, short replicationFactor) {
        return new TopicContract(
                DEFAULT_COMMANDS, DEFAULT_OUTCOMES, DEFAULT_AUDIT, DEFAULT_DEAD_LETTERS, partitions, replicationFactor);
    }

    /**
     * The idempotency ledger: compacted (latest decision per key) and also time-bounded, co-partitioned with the
     * command topic because the instance that owns command partition p restores ledger partition p.
     */
    public String ledger() {
        return commands + ".ledger";
    }

    /**
     * externalId to Logto id mappings: compacted and kept forever (a user's external id stays valid for its
     * lifetime), co-partitioned with the command topic like the ledger.
     */
    public String references() {
        return commands + ".refs";
    }

    public List<TopicSpec> topics() {
        String minIsr = Integer.toString(Math.max(1, replicationFactor - 1));
        Map<String, String> durable = Map.of("min.insync.replicas", minIsr);
        return List.of(
                // The replay window: the processor refuses a ledger retention shorter than this.
                new TopicSpec(
                        "commands",
                        commands,
                        partitions,
                        replicationFactor,
                        Map.of(
                                "min.insync.replicas",
                                minIsr,
                                "retention.ms",
                                Long.toString(DEFAULT_LEDGER_RETENTION_MS))),
                new TopicSpec("outcomes", outcomes, partitions, replicationFactor, durable),
                // Audit records are evidence: kept until an operator decides otherwise.
                new TopicSpec(
                        "audit",
                        audit,
                        partitions,
                        replicationFactor,
                        Map.of("min.insync.replicas", minIsr, "retention.ms", "-1")),
                new TopicSpec(
                        "dead-letters",
                        deadLetters,
                        1,
                        replicationFactor,
                        Map.of("min.insync.replicas", minIsr, "retention.ms", "-1")),
                new TopicSpec(
                        "ledger",
                        ledger(),
                        partitions,
                        replicationFactor,
                        Map.of(
                                "min.insync.replicas",
                                minIsr,
                                "cleanup.policy",
                                "compact,delete",
                                "retention.ms",
                                Long.toString(DEFAULT_LEDGER_RETENTION_MS))),
                new TopicSpec(
                        "references",
                        references(),
                        partitions,
                        replicationFactor,
                        Map.of("min.insync.replicas", minIsr, "cleanup.policy", "compact")));
    }
}
