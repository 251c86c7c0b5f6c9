package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Argument handling without a broker: help, usage errors and their exit codes. */
class OpsCliTest {

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"topics", "--help"}, {"topics", "apply", "--help"},
                {"topics", "verify", "--help"}, {"send", "--help"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).contains("Usage:");
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(CliRun.of().exitCode()).isEqualTo(2);
        assertThat(CliRun.of("topics").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
        CliRun noType = CliRun.of("send", "{}");
        assertThat(noType.exitCode()).isEqualTo(2);
        assertThat(noType.err()).contains("--type");
    }

    @Test
    void missingBootstrapServersIsAUsageError() {
        CliRun run = CliRun.of("send", "--type", "UserCreate", "--bootstrap-servers", "", "{\"username\":\"a\"}");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) is required");
    }

    @Test
    void badJsonIsAOneLineFailure() {
        CliRun run = CliRun.of("send", "--type", "UserCreate", "--bootstrap-servers", "localhost:1", "{\"usrname\":\"a\"}");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: usrname: unknown field").doesNotContain("\n");
    }

    @Test
    void oneLineUsageErrorsFromTheLauncherCommandLine() {
        var err = new java.io.StringWriter();
        var cli = OpsCli.newCommandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute("send", "--nope")).isEqualTo(2);
        assertThat(err.toString().lines()).hasSize(2).first().asString().startsWith("error: ");
    }
}
