package dev.logtocp.ops.cli;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ops dlq show <partition>:<offset>}: everything about one dead letter. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Headers, key, a hex dump of the value's start and, when it decodes, the value as JSON.")
final class DlqShowCommand extends OpsCommand {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopicOptions topics;

    @Parameters(index = "0", paramLabel = "PARTITION:OFFSET", description = "The dead letter, e.g. 0:12.")
    String position;

    @Option(
            names = "--bytes",
            defaultValue = "256",
            paramLabel = "N",
            description = "How many value bytes to dump. Default: ${DEFAULT-VALUE}")
    int bytes;

    @Override
    int run() {
        long[] pos = DlqOptions.position(position);
        if (pos == null) {
            throw usage("expected PARTITION:OFFSET, e.g. 0:12, got '" + position + "'");
        }
        DeadLetter d = DlqOptions.readAll(kafka, topics.deadLetters).stream()
                .filter(l -> l.partition() == pos[0] && l.offset() == pos[1])
                .findFirst()
                .orElseThrow(() -> new OpsException("no dead letter at " + position + " in " + topics.deadLetters));
        out().println("dead letter " + d.id());
        out().println("headers:");
        for (Header h : d.headers()) {
            out().println("  " + h.key() + " = " + printable(h.value()));
        }
        out().println("key: " + (d.key() == null ? "(null)" : printable(d.key())));
        byte[] value = d.value();
        out().println("value: " + (value == null ? "(null)" : value.length + " bytes"));
        if (value != null) {
            out().print(HexDump.of(value, bytes));
            out().println("decoded: " + decode(d));
        }
        return 0;
    }

    private String decode(DeadLetter d) {
        if (!kafka.hasRegistry()) {
            return "(no --schema-registry-url given)";
        }
        Map<String, Object> serde = new HashMap<>(kafka.serde());
        serde.put("specific.avro.reader", "false"); // show exactly what the writer schema says
        try (WireFormatDeserializer deserializer = new WireFormatDeserializer()) {
            deserializer.configure(serde, false);
            Object datum = deserializer.deserialize(d.sourceTopic() == null ? d.topic() : d.sourceTopic(), d.value());
            return GenericData.get().toString(datum);
        } catch (RuntimeException e) {
            return "(does not decode: " + e.getMessage() + ")";
        }
    }

    /** UTF-8 text when it is printable, else hex. */
    static String printable(byte[] bytes) {
        if (bytes == null) {
            return "(null)";
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean clean = text.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfffd);
        return clean ? text : "0x" + HexDump.hex(bytes);
    }
}
