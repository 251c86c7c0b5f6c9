package dev.logtocp.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops dlq list|show|redrive}. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = "Inspect dead letters and send them back to their source topic.",
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqRedriveCommand.class})
final class DlqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, show or redrive");
    }
}
