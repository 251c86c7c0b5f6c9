package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code send} → processor → {@code status} and {@code tail} on the outcome and audit topics. */
class TailStatusIT {
    private static OpsStack stack;

    @BeforeAll
    static void start() {
        stack = new OpsStack(3).withProcessor();
        send("{\"username\": \"tail_alice\", \"meta\": {\"idempotencyKey\": \"create-alice\"}}");
        send("{\"username\": \"1 not valid\", \"meta\": {\"idempotencyKey\": \"create-invalid\"}}");
        awaitStatus("create-alice");
        awaitStatus("create-invalid");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static void send(String json) {
        CliRun run = stack.run(List.of("send", "--type", "UserCreate", "--issuer", "tail-it", "--key", "k"), json);
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private static CliRun awaitStatus(String key) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        CliRun run;
        do {
            run = stack.run(List.of("status", "tail-it", key));
        } while (run.exitCode() != 0 && Instant.now().isBefore(deadline));
        return run;
    }

    @Test
    void statusPrintsTheLatestOutcomeOrUnknown() {
        CliRun ok = stack.run(List.of("status", "tail-it", "create-alice"));
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("SUCCEEDED  UserCreate  issuer=tail-it idempotencyKey=create-alice key=k user=");

        CliRun rejected = stack.run(List.of("status", "tail-it", "create-invalid"));
        assertThat(rejected.out()).contains("REJECTED  UserCreate", "error=validation_failed", "field username:");

        CliRun unknown = stack.run(List.of("status", "tail-it", "never-sent"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.out().strip()).isEqualTo("unknown");
        assertThat(stack.run(List.of("status", "other-issuer", "create-alice")).exitCode())
                .isEqualTo(1);
    }

    @Test
    void tailPrintsFilteredLinesAndStopsAtMax() {
        CliRun all = stack.run(List.of("tail", "outcomes", "--from-beginning", "--max", "2", "--timeout", "30"));
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.out().lines()).hasSize(2);

        CliRun rejected = stack.run(List.of(
                "tail", "outcomes", "--from-beginning", "--status", "rejected", "--max", "1", "--timeout", "30"));
        assertThat(rejected.out().lines())
                .singleElement()
                .asString()
                .contains("REJECTED", "idempotencyKey=create-invalid");

        CliRun audit = stack.run(List.of(
                "tail",
                "audit",
                "--from-beginning",
                "--issuer",
                "tail-it",
                "--status",
                "SUCCEEDED",
                "--type",
                "UserCreate",
                "--max",
                "1",
                "--timeout",
                "30"));
        assertThat(audit.out().lines())
                .singleElement()
                .asString()
                .contains("SUCCEEDED  user.create  actor=tail-it", "changed=");

        CliRun none = stack.run(List.of("tail", "outcomes", "--from-beginning", "--user", "nobody", "--timeout", "2"));
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).isEmpty();
    }
}
