package dev.logtocp.schema.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoder over one byte array that refuses any declared length or item count larger than the
 * bytes left. Avro's own {@code BinaryDecoder} allocates the declared size first and only then hits end of
 * input, so a 10-byte hostile record declaring a 2 GB string would allocate 2 GB; here it fails at once.
 *
 * <p>Cost of the guard: an array/map block may not declare more items than bytes remain, which rejects
 * (only) arrays of more than {@code remaining} zero-byte items such as {@code array<null>} &mdash; no real
 * schema has those.
 *
 * <p>Not thread-safe: one instance decodes one datum on one thread.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final byte[] buf;
    private int pos;
    private final int limit;

    BoundedBinaryDecoder(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** Bytes not consumed yet; non-zero after a complete datum means trailing garbage. */
    int remaining() {
        return limit - pos;
    }

    @Override
    public void readNull() {
        // null occupies no bytes
    }

    @Override
    public boolean readBoolean() throws IOException {
        int b = nextByte();
        if (b > 1) {
            throw new MalformedDataException("boolean byte is neither 0 nor 1");
        }
        return b == 1;
    }

    @Override
    public int readInt() throws IOException {
        int raw = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = nextByte();
            if (shift == 28 && (b & 0xF0) != 0) {
                throw new MalformedDataException("int varint longer than 32 bits");
            }
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new MalformedDataException("int varint longer than 5 bytes");
    }

    @Override
    public long readLong() throws IOException {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            long b = nextByte();
            if (shift == 63 && (b & 0xFE) != 0) {
                throw new MalformedDataException("long varint longer than 64 bits");
            }
            raw |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new MalformedDataException("long varint longer than 10 bytes");
    }

    @Override
    public float readFloat() throws IOException {
        require(4);
        int bits = (buf[pos] & 0xFF)
                | (buf[pos + 1] & 0xFF) << 8
                | (buf[pos + 2] & 0xFF) << 16
                | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        require(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = readLength();
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = readLength();
        String result = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return result;
    }

    @Override
    public void skipString() throws IOException {
        pos += readLength();
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = readLength();
        ByteBuffer result = old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
        result.put(buf, pos, length).flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        pos += readLength();
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        require(length);
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        require(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return readBlockCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return readBlockCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks();
    }

    @Override
    public long readMapStart() throws IOException {
        return readBlockCount();
    }

    @Override
    public long mapNext() throws IOException {
        return readBlockCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** Item count of the next block; a negative count is followed by the block's byte size, ignored here. */
    private long readBlockCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new MalformedDataException("block count out of range");
            }
            count = -count;
            long size = readLong();
            if (size < 0 || size > remaining()) {
                throw new MalformedDataException("block byte size exceeds the remaining input");
            }
        }
        if (count > remaining()) {
            // Every real item takes at least one byte; a larger count is a lie that would make the datum
            // reader pre-allocate a huge array.
            throw new MalformedDataException("block item count exceeds the remaining input");
        }
        return count;
    }

    /** Skips whole blocks that carry a byte size; returns the item count of a block the caller must walk. */
    private long skipBlocks() throws IOException {
        while (true) {
            long count = readLong();
            if (count >= 0) {
                if (count > remaining()) {
                    throw new MalformedDataException("block item count exceeds the remaining input");
                }
                return count;
            }
            long size = readLong();
            if (count == Long.MIN_VALUE || size < 0 || size > remaining()) {
                throw new MalformedDataException("block byte size exceeds the remaining input");
            }
            pos += (int) size;
        }
    }

    /** A string/bytes length prefix, checked against the bytes actually left before anything is allocated. */
    private int readLength() throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new MalformedDataException("negative length");
        }
        if (length > remaining()) {
            throw new EOFException("declared length exceeds the remaining input");
        }
        return (int) length;
    }

    private int nextByte() throws EOFException {
        if (pos >= limit) {
            throw new EOFException("datum ends early");
        }
        return buf[pos++] & 0xFF;
    }

    private void require(int length) throws EOFException {
        if (length < 0 || length > remaining()) {
            throw new EOFException("datum ends early");
        }
    }

    /** Structurally invalid Avro binary (as opposed to merely truncated input). */
    static final class MalformedDataException extends AvroRuntimeException {
        MalformedDataException(String message) {
            super(message);
        }
    }
}
