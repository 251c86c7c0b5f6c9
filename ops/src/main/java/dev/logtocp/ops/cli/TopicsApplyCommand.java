package dev.logtocp.ops.cli;

import dev.logtocp.topics.TopicContract;
import dev.logtocp.topics.TopicProvisioner;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ops topics apply}: creates the contract topics that are missing, then verifies all of them. Existing
 * topics are never altered: changing partition counts breaks key ordering, so that stays an operator decision.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = {
            "Create the contract topics that do not exist yet, then verify them all.",
            "Existing topics are not changed; exit code 1 when a mismatch remains."
        })
final class TopicsApplyCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            paramLabel = "N",
            description = "Partitions of the command, outcome and audit topics. Default: ${DEFAULT-VALUE}")
    int partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "Replication factor. Default: min(3, brokers in the cluster).")
    Short replicationFactor;

    @Override
    int run() throws Exception {
        if (partitions < 1) {
            throw usage("--partitions must be at least 1");
        }
        try (Admin admin = kafka.admin()) {
            short rf = replicationFactor != null ? replicationFactor : TopicsVerifyCommand.defaultReplication(admin);
            TopicContract contract = topics.contract(partitions, rf);
            List<String> created = TopicProvisioner.createMissing(admin, contract);
            for (String name : created) {
                out().println("created   " + name);
            }
            awaitVisible(admin, created);
            List<String> problems = TopicsVerifyCommand.verify(admin, topics, partitions, rf, out());
            return problems.isEmpty() ? 0 : 1;
        }
    }

    /**
     * A topic exists once the controller has it, but a broker answers about it only after its metadata caught up;
     * verifying at once could report a topic just created as missing.
     */
    private static void awaitVisible(Admin admin, List<String> created) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Kafka.await(admin.listTopics().names()).containsAll(created) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
