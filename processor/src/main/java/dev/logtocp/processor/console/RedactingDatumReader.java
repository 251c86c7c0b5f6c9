package dev.logtocp.processor.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Reads an Avro binary datum with its writer schema into JSON for the console, leaving out the value of every
 * field whose schema doc starts with {@code SECRET} (the schemas' own marking, so a new secret field is covered
 * once its doc says so) and recording which bytes those values occupy, so the hex view can mask them too.
 *
 * <p>Hostile input is expected (these are dead letters): every length is checked against the bytes left, item
 * counts and nesting are bounded, and a failure says at which byte it happened. Single-use, one thread.
 */
final class RedactingDatumReader {
    static final String REDACTED = "[secret: redacted]";
    private static final int MAX_ITEMS = 100_000;
    private static final int MAX_DEPTH = 64;
    private static final HexFormat HEX = HexFormat.of();

    /** The datum as JSON, the byte ranges {@code [start, end)} of secret values, and where the datum ended. */
    record Result(Object json, List<int[]> secretRanges, int end) {}

    /** The datum does not match the schema; bytes from {@code position} on could not be attributed. */
    static final class WalkException extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        WalkException(String message, int position) {
            super(message + " at byte " + position);
            this.position = position;
        }
    }

    private final byte[] data;
    private final int limit;
    private int pos;
    private int items;
    private final List<int[]> secrets = new ArrayList<>();

    private RedactingDatumReader(byte[] data, int offset) {
        this.data = data;
        this.limit = data.length;
        this.pos = offset;
    }

    /** Reads one datum of {@code schema} starting at {@code offset}; trailing bytes are the caller's concern. */
    static Result read(Schema schema, byte[] data, int offset) throws WalkException {
        RedactingDatumReader reader = new RedactingDatumReader(data, offset);
        Object json = reader.value(schema, true, 0);
        return new Result(json, List.copyOf(reader.secrets), reader.pos);
    }

    /** True when a field's doc marks it as secret. */
    static boolean isSecret(Schema.Field field) {
        String doc = field.doc();
        return doc != null && doc.stripLeading().startsWith("SECRET");
    }

    /** Names of the secret fields of {@code schema}, nested ones as dotted paths. */
    static List<String> secretFields(Schema schema) {
        List<String> out = new ArrayList<>();
        collectSecrets(schema, "", out, 0);
        return out;
    }

    private static void collectSecrets(Schema schema, String prefix, List<String> out, int depth) {
        if (depth > 8) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field f : schema.getFields()) {
                    if (isSecret(f)) {
                        out.add(prefix + f.name());
                    } else {
                        collectSecrets(f.schema(), prefix + f.name() + ".", out, depth + 1);
                    }
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collectSecrets(t, prefix, out, depth + 1));
            case ARRAY -> collectSecrets(schema.getElementType(), prefix, out, depth + 1);
            case MAP -> collectSecrets(schema.getValueType(), prefix, out, depth + 1);
            default -> {}
        }
    }

    /** Reads a value; with {@code render} false it only skips it (inside a secret). */
    private Object value(Schema schema, boolean render, int depth) throws WalkException {
        if (depth > MAX_DEPTH) {
            throw new WalkException("nesting deeper than " + MAX_DEPTH, pos);
        }
        switch (schema.getType()) {
            case NULL:
                return null;
            case BOOLEAN: {
                need(1);
                int b = data[pos++];
                if (b != 0 && b != 1) {
                    throw new WalkException("boolean byte is " + b, pos - 1);
                }
                return b == 1;
            }
            case INT: {
                long v = varLong(5);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new WalkException("int out of range", pos);
                }
                return (int) v;
            }
            case LONG: {
                long v = varLong(10);
                if (render && schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return Instant.ofEpochMilli(v).toString();
                }
                return v;
            }
            case FLOAT:
                need(4);
                pos += 4;
                return render ? Float.intBitsToFloat(littleEndian(pos - 4, 4)) : null;
            case DOUBLE:
                need(8);
                pos += 8;
                return render ? Double.longBitsToDouble(littleEndianLong(pos - 8)) : null;
            case STRING: {
                int start = pos;
                int n = length();
                pos += n;
                if (!render) {
                    return null;
                }
                try {
                    return StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(data, pos - n, n))
                            .toString();
                } catch (CharacterCodingException e) {
                    throw new WalkException("string is not UTF-8", start);
                }
            }
            case BYTES: {
                int n = length();
                pos += n;
                return render ? "0x" + HEX.formatHex(data, pos - n, pos) : null;
            }
            case FIXED: {
                int n = schema.getFixedSize();
                need(n);
                pos += n;
                return render ? "0x" + HEX.formatHex(data, pos - n, pos) : null;
            }
            case ENUM: {
                int at = pos;
                long i = varLong(5);
                if (i < 0 || i >= schema.getEnumSymbols().size()) {
                    throw new WalkException("enum index " + i + " outside " + schema.getName(), at);
                }
                return schema.getEnumSymbols().get((int) i);
            }
            case UNION: {
                int at = pos;
                long i = varLong(10);
                if (i < 0 || i >= schema.getTypes().size()) {
                    throw new WalkException("union branch " + i + " does not exist", at);
                }
                return value(schema.getTypes().get((int) i), render, depth + 1);
            }
            case ARRAY: {
                JsonArray out = render ? new JsonArray() : null;
                for (long n = blockCount(); n != 0; n = blockCount()) {
                    for (long k = 0; k < n; k++) {
                        count();
                        Object v = value(schema.getElementType(), render, depth + 1);
                        if (render) {
                            out.add(v);
                        }
                    }
                }
                return out;
            }
            case MAP: {
                JsonObject out = render ? new JsonObject() : null;
                for (long n = blockCount(); n != 0; n = blockCount()) {
                    for (long k = 0; k < n; k++) {
                        count();
                        Object key = value(Schema.create(Schema.Type.STRING), render, depth + 1);
                        Object v = value(schema.getValueType(), render, depth + 1);
                        if (render) {
                            out.put((String) key, v);
                        }
                    }
                }
                return out;
            }
            case RECORD: {
                JsonObject out = render ? new JsonObject() : null;
                for (Schema.Field f : schema.getFields()) {
                    if (isSecret(f)) {
                        int start = pos;
                        value(f.schema(), false, depth + 1);
                        secrets.add(new int[] {start, pos});
                        if (render) {
                            // A null optional secret is shown as absent: nothing was there to hide.
                            out.put(f.name(), pos - start == 1 && isNullBranch(f.schema(), start) ? null : REDACTED);
                        }
                    } else {
                        Object v = value(f.schema(), render, depth + 1);
                        if (render) {
                            out.put(f.name(), v);
                        }
                    }
                }
                return out;
            }
            default:
                throw new WalkException("unsupported schema type " + schema.getType(), pos);
        }
    }

    /** True when the union at {@code start} chose its null branch (then the secret field was simply not set). */
    private boolean isNullBranch(Schema schema, int start) {
        if (schema.getType() != Schema.Type.UNION) {
            return false;
        }
        int index = data[start] >> 1; // one-byte zig-zag varint: the branch index is small
        return index >= 0
                && index < schema.getTypes().size()
                && schema.getTypes().get(index).getType() == Schema.Type.NULL;
    }

    private void count() throws WalkException {
        if (++items > MAX_ITEMS) {
            throw new WalkException("more than " + MAX_ITEMS + " items", pos);
        }
    }

    private long blockCount() throws WalkException {
        int at = pos;
        long n = varLong(10);
        if (n < 0) {
            n = -n;
            varLong(10); // the block's size in bytes, which we do not need
        }
        if (n < 0 || n > MAX_ITEMS) {
            throw new WalkException("block of " + n + " items", at);
        }
        return n;
    }

    private int length() throws WalkException {
        int at = pos;
        long n = varLong(10);
        if (n < 0 || n > limit - pos) {
            throw new WalkException("length " + n + " exceeds the " + (limit - pos) + " bytes left", at);
        }
        return (int) n;
    }

    private void need(int n) throws WalkException {
        if (limit - pos < n) {
            throw new WalkException("datum ends early", pos);
        }
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long varLong(int maxBytes) throws WalkException {
        int at = pos;
        long raw = 0;
        for (int shift = 0, i = 0; ; shift += 7, i++) {
            if (i >= maxBytes) {
                throw new WalkException("varint longer than " + maxBytes + " bytes", at);
            }
            need(1);
            int b = data[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    private int littleEndian(int at, int n) {
        int v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (data[at + i] & 0xff);
        }
        return v;
    }

    private long littleEndianLong(int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (data[at + i] & 0xff);
        }
        return v;
    }
}
