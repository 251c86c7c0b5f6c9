package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Argument handling without a broker: help, usage errors and their exit codes. */
class OpsCliTest {

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {
            {"--help"},
            {"topics", "--help"},
            {"topics", "apply", "--help"},
            {"topics", "verify", "--help"},
            {"send", "--help"},
            {"replay", "--help"},
            {"dlq", "--help"},
            {"dlq", "list", "--help"},
            {"dlq", "show", "--help"},
            {"dlq", "redrive", "--help"},
            {"tail", "--help"},
            {"status", "--help"},
            {"audit", "--help"},
            {"audit", "verify", "--help"}
        }) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(run.out()).contains("Usage:");
        }
    }

    @Test
    void progressBarAndHexDumpRender() {
        assertThat(ProgressBar.render(5, 20, 10)).isEqualTo("[##--------]  25%  5/20");
        assertThat(ProgressBar.render(0, 0, 4)).isEqualTo("[####] 100%  0/0");
        assertThat(HexDump.of("hello, world! 0123".getBytes(), 17))
                .isEqualTo("  00000000  68 65 6c 6c 6f 2c 20 77 6f 72 6c 64 21 20 30 31  hello, world! 01\n"
                        + "  00000010  32" + " ".repeat(47) + "2\n"
                        + "  ... 1 more bytes\n");
        assertThat(DlqOptions.position("3:17")).containsExactly(3, 17);
        assertThat(DlqOptions.position("3-17")).isNull();
        assertThat(DlqOptions.position("-1:2")).isNull();
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
        CliRun run =
                CliRun.of("send", "--type", "UserCreate", "--bootstrap-servers", "localhost:1", "{\"usrname\":\"a\"}");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .startsWith("error: usrname: unknown field")
                .doesNotContain("\n");
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
