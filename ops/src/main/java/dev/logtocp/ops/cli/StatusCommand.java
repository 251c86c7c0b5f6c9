package dev.logtocp.ops.cli;

import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ops status <issuer> <idempotencyKey>}: the latest outcome of one intended change. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Print the latest outcome for (issuer, idempotency key), or 'unknown' with exit code 1.",
                "Scans the outcome topic from the beginning; example: ops status crm create-alice-42"})
final class StatusCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Parameters(index = "0", paramLabel = "ISSUER", description = "meta.issuer of the command.")
    String issuer;

    @Parameters(index = "1", paramLabel = "IDEMPOTENCY_KEY", description = "meta.idempotencyKey of the command.")
    String idempotencyKey;

    @Override
    int run() throws Exception {
        OutcomeLookup lookup = new OutcomeTopicScan(kafka.reader(), kafka.serde(), topics.outcomes);
        Optional<OutcomeLookup.Found> found = lookup.latest(issuer, idempotencyKey);
        if (found.isEmpty()) {
            out().println("unknown");
            return 1;
        }
        out().println(Lines.outcome(found.get().recordKey(), found.get().outcome()));
        return 0;
    }
}
