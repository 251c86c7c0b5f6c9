package dev.logtocp.ops.cli;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.processor.deadletter.RedriveMarkers;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ops dlq list}: one line per dead letter. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "One line per dead letter: partition:offset, source topic-partition@offset, error class,",
            "reason, key, and [redriven] when it was already sent back."
        })
final class DlqListCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Mixin
    DlqOptions dlq;

    @Override
    int run() throws Exception {
        List<DeadLetter> letters = DlqOptions.readAll(kafka, topics.deadLetters);
        Map<String, String> redriven;
        try (Admin admin = kafka.admin()) {
            redriven = new RedriveMarkers(kafka.client(), dlq.redrivenTopic(topics.deadLetters)).redriven(admin);
        }
        for (DeadLetter d : letters) {
            out().println(d.position() + "  src=" + d.source() + "  " + d.errorClass() + "  " + oneLine(d.reason())
                    + "  key=" + d.keyText() + (redriven.containsKey(d.id()) ? "  [redriven]" : ""));
        }
        out().println(letters.size() + " dead letter(s)");
        return 0;
    }

    private static String oneLine(String text) {
        return text == null ? "-" : text.replaceAll("\\s+", " ");
    }
}
