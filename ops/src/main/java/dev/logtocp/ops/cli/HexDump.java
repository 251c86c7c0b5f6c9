package dev.logtocp.ops.cli;

/** {@code xxd}-style dump of a byte array's first bytes: offset, 16 hex bytes, printable ASCII. */
final class HexDump {
    private HexDump() {}

    static String of(byte[] data, int limit) {
        int n = Math.min(data.length, Math.max(0, limit));
        StringBuilder b = new StringBuilder();
        for (int line = 0; line < n; line += 16) {
            b.append(String.format("  %08x  ", line));
            StringBuilder ascii = new StringBuilder();
            for (int i = line; i < line + 16; i++) {
                if (i < n) {
                    int v = data[i] & 0xFF;
                    b.append(String.format("%02x ", v));
                    ascii.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
                } else {
                    b.append("   ");
                }
            }
            b.append(' ').append(ascii).append('\n');
        }
        if (n < data.length) {
            b.append("  ... ").append(data.length - n).append(" more bytes\n");
        }
        return b.toString();
    }

    static String hex(byte[] data) {
        StringBuilder b = new StringBuilder(data.length * 2);
        for (byte v : data) {
            b.append(String.format("%02x", v & 0xFF));
        }
        return b.toString();
    }
}
