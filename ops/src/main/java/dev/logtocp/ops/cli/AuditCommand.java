package dev.logtocp.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ops audit verify}. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Check the audit topic's tamper-evidence hash chain.",
        subcommands = {AuditVerifyCommand.class})
final class AuditCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: verify");
    }
}
