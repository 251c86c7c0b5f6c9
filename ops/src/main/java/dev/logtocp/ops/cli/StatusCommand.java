package dev.logtocp.ops.cli;

import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops status <issuer> <idempotencyKey>}: the latest outcome of one intended change. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Print the latest outcome for (issuer, idempotency key), or 'unknown' with exit code 1.",
            "Asks the status view when --view-url (or VIEW_URL) is set and it answers; otherwise, or when the view",
            "does not know the key yet, scans the outcome topic from the beginning. Example: ops status crm create-alice-42"
        })
final class StatusCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Parameters(index = "0", paramLabel = "ISSUER", description = "meta.issuer of the command.")
    String issuer;

    @Parameters(index = "1", paramLabel = "IDEMPOTENCY_KEY", description = "meta.idempotencyKey of the command.")
    String idempotencyKey;

    @Option(
            names = "--view-url",
            defaultValue = "${env:VIEW_URL}",
            paramLabel = "URL",
            description = "Any instance of the status view, e.g. http://localhost:8088 (env VIEW_URL).")
    String viewUrl;

    @Option(
            names = "--view-timeout-ms",
            defaultValue = "3000",
            paramLabel = "MS",
            description = "How long to wait for the view before scanning instead. Default: ${DEFAULT-VALUE}")
    long viewTimeoutMs;

    @Override
    int run() throws Exception {
        Optional<OutcomeLookup.Found> found = Optional.empty();
        boolean answered = false;
        if (viewUrl != null && !viewUrl.isBlank()) {
            try {
                found = new ViewStatusLookup(viewUrl, Duration.ofMillis(Math.max(1, viewTimeoutMs)))
                        .latest(issuer, idempotencyKey);
                answered = found.isPresent();
                err().println(
                                answered
                                        ? "(answered by the status view at " + viewUrl + ")"
                                        : "(the status view does not know this key (yet); scanning the outcome topic)");
            } catch (ViewStatusLookup.Unreachable e) {
                err().println("(status view unavailable: " + e.getMessage() + "; scanning the outcome topic)");
            }
        }
        if (!answered) {
            found = new OutcomeTopicScan(kafka.reader(), kafka.serde(), topics.outcomes).latest(issuer, idempotencyKey);
        }
        if (found.isEmpty()) {
            out().println("unknown");
            return 1;
        }
        out().println(Lines.outcome(found.get().recordKey(), found.get().outcome()));
        return 0;
    }
}
