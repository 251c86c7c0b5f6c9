package dev.logtocp.view;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the history stores. An index key names one user's history ({@code key:<record key>} or
 * {@code user:<Logto user id>}); an entry key is the index key's length, its bytes and the entry's sequence number
 * (big-endian), so one user's entries sort together in sequence order and no other user's key can fall between
 * them. Stateless.
 */
final class HistoryKeys {
    static final String BY_KEY = "key";
    static final String BY_USER_ID = "userId";

    private HistoryKeys() {}

    static String index(String by, String ref) {
        return (BY_USER_ID.equals(by) ? "user:" : "key:") + ref;
    }

    static Bytes entry(String index, long seq) {
        byte[] name = index.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(4 + name.length + 8)
                .putInt(name.length)
                .put(name)
                .putLong(seq)
                .array());
    }

    static String pending(String index, String joinId) {
        return index + "\n" + joinId;
    }
}
