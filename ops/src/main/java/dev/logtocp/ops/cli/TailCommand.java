package dev.logtocp.ops.cli;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ops tail outcomes|audit}: follows the outcome or audit topic with a read_committed consumer that
 * belongs to no group, so it commits nothing and disturbs no one.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Print outcomes or audit events as they are committed, one line each, until Ctrl-C or --max.",
            "Example: ops tail outcomes --from-beginning --status FAILED --max 20"
        })
final class TailCommand extends OpsCommand {

    /** Which topic to follow. */
    enum Stream {
        outcomes,
        audit
    }

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Parameters(index = "0", paramLabel = "outcomes|audit", description = "What to follow: ${COMPLETION-CANDIDATES}.")
    Stream stream;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the end.")
    boolean fromBeginning;

    @Option(
            names = "--user",
            paramLabel = "ID|REF",
            description = "Only lines about this user: Logto user id, record key or user reference value.")
    String user;

    @Option(names = "--issuer", paramLabel = "NAME", description = "Only commands of this issuer (the audit actor).")
    String issuer;

    @Option(
            names = "--status",
            paramLabel = "STATUS",
            description = "Only this status: SUCCEEDED, FAILED, REJECTED or DUPLICATE.")
    String status;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only this command type, e.g. UserCreate.")
    String type;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N printed lines.")
    Integer max;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Stop after this many seconds (exit code 0). Default: run until Ctrl-C or --max.")
    Integer timeoutSeconds;

    @Override
    int run() {
        if (max != null && max < 1) {
            throw usage("--max must be at least 1");
        }
        String topic = stream == Stream.outcomes ? topics.outcomes : topics.audit;
        WireFormatDeserializer values = new WireFormatDeserializer();
        values.configure(kafka.serde(), false);
        long deadline = timeoutSeconds == null
                ? Long.MAX_VALUE
                : System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        int printed = 0;
        try (values;
                KafkaConsumer<String, byte[]> consumer =
                        new KafkaConsumer<>(kafka.reader(), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = Kafka.partitions(consumer, topic);
            consumer.assign(tps);
            if (fromBeginning) {
                consumer.seekToBeginning(tps);
            } else {
                consumer.seekToEnd(tps);
                tps.forEach(tp -> consumer.position(tp, Kafka.TIMEOUT)); // fix "the end" now, not at the first poll
            }
            while ((max == null || printed < max) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String line = line(r, values);
                    if (line != null) {
                        out().println(line);
                        out().flush();
                        if (max != null && ++printed >= max) {
                            break;
                        }
                    }
                }
            }
        }
        return 0;
    }

    /** The line for a record, or null when the filters drop it. */
    private String line(ConsumerRecord<String, byte[]> r, WireFormatDeserializer values) {
        Object value;
        try {
            value = values.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            return filtering()
                    ? null
                    : r.topic() + "-" + r.partition() + "@" + r.offset() + "  undecodable: " + e.getMessage();
        }
        if (value instanceof CommandOutcome o) {
            boolean keep = matches(user, r.key(), o.getUserId())
                    && matches(issuer, o.getIssuer())
                    && matchesIgnoringCase(status, o.getStatus().name())
                    && matchesIgnoringCase(type, o.getCommandType());
            return keep ? Lines.outcome(r.key(), o) : null;
        }
        if (value instanceof AuditEvent e) {
            String refValue = e.getTargetRef() == null
                    ? null
                    : e.getTargetRef().substring(e.getTargetRef().indexOf(':') + 1);
            boolean keep = matches(user, r.key(), e.getTargetUserId(), e.getTargetRef(), refValue)
                    && matches(issuer, e.getActor())
                    && matchesIgnoringCase(status, e.getStatus().name())
                    && matchesIgnoringCase(type, e.getCommandType());
            return keep ? Lines.audit(r.key(), e) : null;
        }
        return filtering() ? null : r.topic() + "-" + r.partition() + "@" + r.offset() + "  " + value;
    }

    private boolean filtering() {
        return user != null || issuer != null || status != null || type != null;
    }

    /** No filter, or one of the candidates equals it exactly (user ids and issuers are case-sensitive). */
    private static boolean matches(String filter, String... candidates) {
        if (filter == null) {
            return true;
        }
        for (String c : candidates) {
            if (filter.equals(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesIgnoringCase(String filter, String candidate) {
        return filter == null || filter.toUpperCase(Locale.ROOT).equals(candidate.toUpperCase(Locale.ROOT));
    }
}
