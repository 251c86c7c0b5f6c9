package dev.logtocp.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops topics apply|verify}. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create or check the processor's topics against the topic contract.",
        subcommands = {TopicsApplyCommand.class, TopicsVerifyCommand.class})
final class TopicsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: apply or verify");
    }
}
