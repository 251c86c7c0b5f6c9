package dev.logtocp.ops.cli;

import dev.logtocp.topics.TopicContract;
import picocli.CommandLine.Option;

/** Topic names, defaulting to the contract's and overridable one by one (tests and renamed deployments). */
public final class TopicOptions {

    @Option(
            names = "--command-topic",
            defaultValue = TopicContract.DEFAULT_COMMANDS,
            paramLabel = "TOPIC",
            description = "Command topic. Default: ${DEFAULT-VALUE}")
    String commands;

    @Option(
            names = "--outcome-topic",
            defaultValue = TopicContract.DEFAULT_OUTCOMES,
            paramLabel = "TOPIC",
            description = "Outcome topic. Default: ${DEFAULT-VALUE}")
    String outcomes;

    @Option(
            names = "--audit-topic",
            defaultValue = TopicContract.DEFAULT_AUDIT,
            paramLabel = "TOPIC",
            description = "Audit topic. Default: ${DEFAULT-VALUE}")
    String audit;

    @Option(
            names = "--dlq-topic",
            defaultValue = TopicContract.DEFAULT_DEAD_LETTERS,
            paramLabel = "TOPIC",
            description = "Dead-letter topic. Default: ${DEFAULT-VALUE}")
    String deadLetters;

    public TopicContract contract(int partitions, short replicationFactor) {
        return new TopicContract(commands, outcomes, audit, deadLetters, partitions, replicationFactor);
    }
}
