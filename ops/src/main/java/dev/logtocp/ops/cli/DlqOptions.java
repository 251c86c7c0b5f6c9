package dev.logtocp.ops.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Option;

/** Options and reading shared by the dlq subcommands. */
final class DlqOptions {

    @Option(names = "--redriven-topic", paramLabel = "TOPIC",
            description = "Compacted topic recording what was redriven. Default: <dlq topic>.redriven")
    String redrivenTopic;

    String redrivenTopic(String deadLetterTopic) {
        return redrivenTopic != null ? redrivenTopic : deadLetterTopic + ".redriven";
    }

    /** Every committed dead letter, in partition/offset order. */
    static List<DeadLetter> readAll(KafkaOptions kafka, String deadLetterTopic) {
        List<DeadLetter> out = new ArrayList<>();
        Kafka.readToEnd(kafka.reader(), deadLetterTopic, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                r -> out.add(DeadLetter.of(r)));
        out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    /** Parses {@code <partition>:<offset>}; null when malformed. */
    static long[] position(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            long p = Integer.parseInt(text.substring(0, colon));
            long o = Long.parseLong(text.substring(colon + 1));
            return p < 0 || o < 0 ? null : new long[] {p, o};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
