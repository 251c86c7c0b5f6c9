package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.testkit.KafkaTestCluster;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TopicsIT {
    private final KafkaTestCluster kafka = KafkaTestCluster.shared();

    private CliRun topics(String verb, String prefix, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "topics",
                verb,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--command-topic",
                prefix + ".commands",
                "--outcome-topic",
                prefix + ".outcomes",
                "--audit-topic",
                prefix + ".audit",
                "--dlq-topic",
                prefix + ".dlq"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void applyCreatesEverythingAndVerifyThenPasses() {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        CliRun apply = topics("apply", prefix, "--partitions", "4");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("created   " + prefix + ".commands", "topics match the contract");

        CliRun verify = topics("verify", prefix, "--partitions", "4");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("ok        " + prefix + ".audit  partitions=4 replication=1");
    }

    @Test
    void verifyCatchesAMisPartitionedOutcomeTopicAndWrongRetention() {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(prefix + ".commands", 6, Map.of("min.insync.replicas", "1"));
        kafka.createTopic(prefix + ".outcomes", 3, Map.of("min.insync.replicas", "1"));
        kafka.createTopic(prefix + ".audit", 6, Map.of("min.insync.replicas", "1", "retention.ms", "86400000"));
        kafka.createTopic(
                prefix + ".commands.ledger",
                6,
                Map.of(
                        "min.insync.replicas",
                        "1",
                        "cleanup.policy",
                        "compact,delete",
                        "retention.ms",
                        Long.toString(dev.logtocp.topics.TopicContract.DEFAULT_LEDGER_RETENTION_MS)));
        kafka.createTopic(
                prefix + ".commands.refs", 6, Map.of("min.insync.replicas", "1", "cleanup.policy", "compact"));

        CliRun verify = topics("verify", prefix);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.out())
                .contains("MISMATCH  " + prefix + ".outcomes: 3 partitions but the command topic " + prefix
                        + ".commands has 6")
                .contains("MISMATCH  " + prefix + ".audit (audit): retention.ms=86400000, expected -1")
                .contains("MISMATCH  " + prefix + ".dlq (dead-letters): missing")
                .contains("ok        " + prefix + ".commands  partitions=6")
                .contains("3 mismatch(es)");

        CliRun wrongCount = topics("verify", prefix, "--partitions", "12");
        assertThat(wrongCount.out()).contains(prefix + ".commands (commands): 6 partitions, expected 12");
    }

    @Test
    void verifyCatchesCompactionAndReplication() {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(topics("apply", prefix, "--partitions", "2").exitCode()).isZero();
        kafka.createTopic(prefix + ".other", 1, Map.of());
        CliRun verify = topics("verify", prefix, "--replication-factor", "3");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out())
                .contains(prefix + ".commands (commands): replication factor 1, expected 3")
                .contains(prefix + ".commands (commands): min.insync.replicas=1, expected 2");
    }
}
