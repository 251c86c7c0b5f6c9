package dev.logtocp.ops.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator command line: {@code ops topics|replay|dlq|send|tail|status|audit}. Exit codes: 0 ok, 1 the operation
 * failed or found a problem, 2 the command line was wrong.
 */
@Command(
        name = "ops",
        mixinStandardHelpOptions = true,
        version = "logto-command-processor ops 0.1",
        description =
                "Operator tools for logto-command-processor: topics, replay, dead letters, sending and reading commands, audit chain.",
        subcommands = {
            TopicsCommand.class,
            ReplayCommand.class,
            DlqCommand.class,
            SendCommand.class,
            TailCommand.class,
            StatusCommand.class,
            AuditCommand.class
        })
public final class OpsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** A command line with one-line usage errors, as the launcher uses it. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new OpsCli());
        cli.setParameterExceptionHandler(OpsCli::oneLineUsageError);
        return cli;
    }

    private static int oneLineUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        err.println("try '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        // "ops" alone: there is nothing to do but explain.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
