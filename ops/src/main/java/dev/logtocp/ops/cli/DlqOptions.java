package dev.logtocp.ops.cli;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.processor.deadletter.RedriveMarkers;
import dev.logtocp.processor.deadletter.TopicSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Option;

/** Options and reading shared by the dlq subcommands. */
final class DlqOptions {

    @Option(
            names = "--redriven-topic",
            paramLabel = "TOPIC",
            description = "Compacted topic recording what was redriven. Default: <dlq topic>.redriven")
    String redrivenTopic;

    String redrivenTopic(String deadLetterTopic) {
        return redrivenTopic != null ? redrivenTopic : RedriveMarkers.defaultTopic(deadLetterTopic);
    }

    /** Every committed dead letter, in partition/offset order. */
    static List<DeadLetter> readAll(KafkaOptions kafka, String deadLetterTopic) {
        List<DeadLetter> out = new ArrayList<>();
        TopicSnapshot.readToEnd(
                kafka.reader(),
                deadLetterTopic,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                Duration.ofMinutes(10),
                r -> out.add(DeadLetter.of(r)));
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    /** Parses {@code <partition>:<offset>}; null when malformed. */
    static long[] position(String text) {
        return DeadLetter.parsePosition(text);
    }
}
