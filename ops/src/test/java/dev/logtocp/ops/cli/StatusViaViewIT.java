package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.view.CommandView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ops status --view-url}: the view answers when it can, the topic scan when it cannot, with the same line. */
class StatusViaViewIT {
    private static OpsStack stack;
    private static CommandView view;

    @BeforeAll
    static void start() throws Exception {
        stack = new OpsStack(3).withProcessor();
        view = stack.withView();
        CliRun sent = stack.run(
                List.of("send", "--type", "UserCreate", "--issuer", "view-it"),
                "{\"externalId\": \"ext-view-alice\", \"username\": \"view_alice\", \"meta\": {\"idempotencyKey\": \"create-alice\"}}");
        assertThat(sent.exitCode()).as(sent.toString()).isZero();
        assertThat(sent.out()).contains("key=ext-view-alice");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        CliRun run;
        do {
            Thread.sleep(200);
            run = status("create-alice");
        } while (!run.err().contains("answered by the status view")
                && Instant.now().isBefore(deadline));
        assertThat(run.err()).as(run.toString()).contains("answered by the status view");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static CliRun status(String key, String... more) {
        return stack.run(
                List.of("status", "view-it", key), more.length > 0 ? more : new String[] {"--view-url", view.url()});
    }

    @Test
    void theViewAnswersWithTheSameLineAsTheScanAndTheScanStandsInWhenTheViewCannot() {
        CliRun viaView = status("create-alice");
        assertThat(viaView.exitCode()).as(viaView.toString()).isZero();
        assertThat(viaView.err()).contains("answered by the status view at " + view.url());
        assertThat(viaView.out())
                .contains("SUCCEEDED  UserCreate  issuer=view-it idempotencyKey=create-alice key=ext-view-alice user=");

        CliRun viaScan = stack.run(List.of("status", "view-it", "create-alice"));
        assertThat(viaScan.exitCode()).isZero();
        assertThat(viaScan.err()).doesNotContain("status view");
        assertThat(viaView.out()).isEqualTo(viaScan.out());

        // A key the view does not know: it says so, the scan decides (unknown here).
        CliRun unknown = status("never-sent");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("does not know this key");
        assertThat(unknown.out().strip()).isEqualTo("unknown");

        // Nobody listening at the URL: the scan answers, with a note.
        CliRun unreachable = status("create-alice", "--view-url", "http://127.0.0.1:9", "--view-timeout-ms", "1000");
        assertThat(unreachable.exitCode()).as(unreachable.toString()).isZero();
        assertThat(unreachable.err()).contains("status view unavailable");
        assertThat(unreachable.out()).isEqualTo(viaScan.out());
    }
}
