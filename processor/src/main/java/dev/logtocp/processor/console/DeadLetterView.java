package dev.logtocp.processor.console;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.kafka.common.header.Header;

/**
 * What the console shows of a dead letter: provenance, reason, key, headers and the value as a hex dump and as
 * decoded JSON, with secrets left out of both.
 *
 * <p>The rule for the value's bytes: a byte is shown only when it is the wire-format header or a successful read
 * of the writer schema attributes it to a field that is not secret. Secret values are masked ({@code **}); bytes
 * nothing can vouch for (a value that is not the wire format, an unknown schema id, the rest of a datum that fails
 * to decode, trailing bytes) are withheld ({@code --}), because they may hold a secret in a place no schema names.
 * Operators who hold Kafka credentials can still read the raw record with {@code ops/ops dlq show}.
 *
 * <p>Pure function of its inputs; the schema lookup may block, so callers run it on a worker thread.
 */
final class DeadLetterView {
    static final int MAX_HEX_BYTES = 4096;
    private static final HexFormat HEX = HexFormat.of();

    private DeadLetterView() {}

    /** One line of the list: no value bytes at all. */
    static JsonObject summary(DeadLetter d, String redrivenTo) {
        return new JsonObject()
                .put("id", d.id())
                .put("position", d.position())
                .put("partition", d.partition())
                .put("offset", d.offset())
                .put("timestamp", Instant.ofEpochMilli(d.timestamp()).toString())
                .put("errorClass", d.errorClass())
                .put("reason", d.reason())
                .put("key", text(d.key()))
                .put("source", d.sourceTopic() == null ? null : d.source())
                .put("valueLength", d.value() == null ? null : d.value().length)
                .put("redrivenFrom", d.header(DeadLetter.REDRIVEN_FROM))
                .put("redrivenTo", redrivenTo);
    }

    /** Everything about one dead letter; {@code schemas} answers a registry id or throws. */
    static JsonObject detail(DeadLetter d, String redrivenTo, IntFunction<Schema> schemas) {
        JsonObject out = summary(d, redrivenTo);
        out.put(
                "sourceDetail",
                new JsonObject()
                        .put("topic", d.sourceTopic())
                        .put("partition", d.header(DeadLetterHeaders.PARTITION))
                        .put("offset", d.header(DeadLetterHeaders.OFFSET))
                        .put("timestamp", timestamp(d.header(DeadLetterHeaders.TIMESTAMP))));
        JsonArray original = new JsonArray();
        JsonArray provenance = new JsonArray();
        for (Header h : d.headers()) {
            (h.key().startsWith("dlq.") ? provenance : original)
                    .add(new JsonObject().put("key", h.key()).put("value", text(h.value())));
        }
        out.put("headers", original).put("provenance", provenance);
        out.put("value", value(d.value(), schemas));
        return out;
    }

    static JsonObject value(byte[] value, IntFunction<Schema> schemas) {
        JsonObject out = new JsonObject();
        if (value == null) {
            return out.put("length", null).put("hex", new JsonArray());
        }
        out.put("length", value.length);
        char[] marks = new char[value.length]; // 's' shown, '*' secret, '-' withheld
        Arrays.fill(marks, '-');
        if (value.length < 5 || value[0] != 0) {
            out.put("wireFormat", false)
                    .put(
                            "decodeError",
                            "not the wire format ("
                                    + (value.length < 5 ? "shorter than the 5-byte header" : "magic byte is not 0")
                                    + "); the bytes are withheld");
            return out.put("hex", hex(value, marks)).put("masked", counts(marks));
        }
        for (int i = 0; i < 5; i++) {
            marks[i] = 's';
        }
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        out.put("wireFormat", true).put("schemaId", schemaId);
        Schema schema;
        try {
            schema = schemas.apply(schemaId);
        } catch (RuntimeException e) {
            out.put(
                    "decodeError",
                    "schema id " + schemaId + " cannot be read from the registry ("
                            + e.getClass().getSimpleName() + "); the datum is withheld");
            return out.put("hex", hex(value, marks)).put("masked", counts(marks));
        }
        List<String> secretFields = RedactingDatumReader.secretFields(schema);
        out.put("schemaName", schema.getFullName()).put("secretFields", new JsonArray(List.copyOf(secretFields)));
        try {
            RedactingDatumReader.Result read = RedactingDatumReader.read(schema, value, 5);
            for (int i = 5; i < read.end(); i++) {
                marks[i] = 's';
            }
            for (int[] range : read.secretRanges()) {
                for (int i = range[0]; i < range[1]; i++) {
                    marks[i] = '*';
                }
            }
            out.put("decoded", read.json());
            if (read.end() < value.length) {
                out.put("decodeError", (value.length - read.end()) + " bytes after the end of the datum are withheld");
            }
        } catch (RedactingDatumReader.WalkException e) {
            if (secretFields.isEmpty()) {
                // No secret can sit in this schema, so what was read before the failure may be shown.
                for (int i = 5; i < Math.min(e.position, value.length); i++) {
                    marks[i] = 's';
                }
            }
            out.put(
                    "decodeError",
                    "does not decode with schema " + schema.getFullName() + ": " + e.getMessage()
                            + (secretFields.isEmpty()
                                    ? "; the bytes from there on are withheld"
                                    : "; the datum is withheld (its schema has secret fields)"));
        }
        return out.put("hex", hex(value, marks)).put("masked", counts(marks));
    }

    private static JsonObject counts(char[] marks) {
        int secret = 0;
        int withheld = 0;
        for (char c : marks) {
            if (c == '*') {
                secret++;
            } else if (c == '-') {
                withheld++;
            }
        }
        return new JsonObject().put("secretBytes", secret).put("withheldBytes", withheld);
    }

    /** xxd-style lines: offset, 16 cells, printable ASCII; masked cells as {@code **} and withheld as {@code --}. */
    static JsonArray hex(byte[] data, char[] marks) {
        JsonArray lines = new JsonArray();
        int n = Math.min(data.length, MAX_HEX_BYTES);
        for (int line = 0; line < n; line += 16) {
            StringBuilder b = new StringBuilder(String.format("%08x  ", line));
            StringBuilder ascii = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i >= n) {
                    b.append("   ");
                } else if (marks[i] == 's') {
                    int v = data[i] & 0xff;
                    b.append(HEX.toHexDigits((byte) v)).append(' ');
                    ascii.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    b.append(marks[i] == '*' ? "** " : "-- ");
                    ascii.append(marks[i] == '*' ? '*' : '-');
                }
            }
            lines.add(b.append(' ').append(ascii).toString());
        }
        if (n < data.length) {
            lines.add("... " + (data.length - n) + " more bytes not shown");
        }
        return lines;
    }

    /** UTF-8 text when the bytes are printable text, else {@code 0x} and hex. */
    static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            if (s.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                return s;
            }
        } catch (CharacterCodingException e) {
            // not text: hex below
        }
        return "0x" + HEX.formatHex(bytes);
    }

    private static String timestamp(String millis) {
        try {
            return millis == null
                    ? null
                    : Instant.ofEpochMilli(Long.parseLong(millis)).toString();
        } catch (NumberFormatException e) {
            return millis;
        }
    }
}
