package dev.logtocp.ops.cli;

import dev.logtocp.topics.TopicContract;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ops topics verify}: lists every difference between the cluster and the topic contract. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Check every contract topic: exists, partition count, replication factor, cleanup.policy,",
            "retention and min.insync.replicas, and that outcome and audit topics have as many partitions as",
            "the command topic. Exit code 1 when anything differs."
        })
final class TopicsVerifyCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description =
                    "Expected command topic partitions. Default: whatever the command topic has (co-partitioning is checked either way).")
    Integer partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "Expected replication factor. Default: min(3, brokers in the cluster).")
    Short replicationFactor;

    @Override
    int run() throws Exception {
        try (Admin admin = kafka.admin()) {
            List<String> problems = verify(admin, topics, partitions, replicationFactor, out());
            return problems.isEmpty() ? 0 : 1;
        }
    }

    /** Prints one line per topic and per problem; returns the problems. Shared with {@code topics apply}. */
    static List<String> verify(
            Admin admin, TopicOptions topics, Integer partitions, Short replicationFactor, PrintWriter out)
            throws InterruptedException {
        short rf = replicationFactor != null ? replicationFactor : defaultReplication(admin);
        TopicContract probe = topics.contract(1, rf);
        Map<String, TopicCheck.Actual> actual = TopicCheck.describe(admin, probe);
        TopicCheck.Actual commands = actual.get(probe.commands());
        int expectedPartitions = partitions != null ? partitions : commands != null ? commands.partitions() : 1;
        TopicContract contract = topics.contract(expectedPartitions, rf);
        List<String> problems = TopicCheck.compare(contract, actual, partitions != null);
        for (var spec : contract.topics()) {
            TopicCheck.Actual a = actual.get(spec.name());
            boolean bad =
                    problems.stream().anyMatch(p -> p.startsWith(spec.name() + " ") || p.startsWith(spec.name() + ":"));
            if (a != null && !bad) {
                out.println("ok        " + spec.name() + "  partitions=" + a.partitions() + " replication="
                        + a.replicationFactor());
            }
        }
        for (String problem : problems) {
            out.println("MISMATCH  " + problem);
        }
        out.println(problems.isEmpty() ? "topics match the contract" : problems.size() + " mismatch(es)");
        return problems;
    }

    static short defaultReplication(Admin admin) throws InterruptedException {
        int brokers = Kafka.await(admin.describeCluster().nodes()).size();
        return (short) Math.max(1, Math.min(3, brokers));
    }
}
