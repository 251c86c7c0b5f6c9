package dev.logtocp.processor.logto;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** W3C Trace Context {@code traceparent} handling: validate an incoming value and derive a child for our call. */
public final class Traceparent {
    private static final Pattern FORMAT =
            Pattern.compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
    private static final String INVALID_TRACE = "0".repeat(32);
    private static final String INVALID_SPAN = "0".repeat(16);

    private Traceparent() {}

    /** Whether {@code value} is a well-formed, non-zero version-00 traceparent. */
    public static boolean isValid(String value) {
        if (value == null) {
            return false;
        }
        var m = FORMAT.matcher(value.trim());
        return m.matches()
                && !m.group(1).equals("ff")
                && !m.group(2).equals(INVALID_TRACE)
                && !m.group(3).equals(INVALID_SPAN);
    }

    /** Same trace id and flags, new span id; null when {@code incoming} is not valid. */
    public static String child(String incoming) {
        if (!isValid(incoming)) {
            return null;
        }
        var m = FORMAT.matcher(incoming.trim());
        m.matches();
        byte[] span = new byte[8];
        do {
            ThreadLocalRandom.current().nextBytes(span);
        } while (HexFormat.of().formatHex(span).equals(INVALID_SPAN));
        return "00-" + m.group(2) + "-" + HexFormat.of().formatHex(span) + "-" + m.group(4);
    }
}
