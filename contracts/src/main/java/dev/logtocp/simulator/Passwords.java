package dev.logtocp.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns passwords into opaque stored markers and checks candidates against them. The simulator keeps only these
 * markers so that no plain password or imported digest can ever leak into a response, a log line or a test
 * snapshot. Stateless and thread-safe.
 */
final class Passwords {

    private Passwords() {}

    /** A salted SHA-256 marker of a plain password. */
    static String hash(String password) {
        byte[] salt = new byte[8];
        ThreadLocalRandom.current().nextBytes(salt);
        String saltHex = HexFormat.of().formatHex(salt);
        return "sim:" + saltHex + ":" + digest("SHA-256", saltHex + password);
    }

    /**
     * A marker for a digest imported from another system. Only the plain digests Java can recompute (MD5, SHA1,
     * SHA256) can be verified later; the others (Argon2, Bcrypt) are stored but never match, which is enough for a
     * simulator that must not pretend to be a password library.
     */
    static String imported(String algorithm, String digest) {
        return "import:" + algorithm.toUpperCase(Locale.ROOT) + ":" + digest.toLowerCase(Locale.ROOT);
    }

    static boolean matches(String marker, String candidate) {
        if (marker == null || candidate == null) {
            return false;
        }
        String[] parts = marker.split(":", 3);
        if (parts.length != 3) {
            return false;
        }
        if (parts[0].equals("sim")) {
            return MessageDigest.isEqual(
                    parts[2].getBytes(StandardCharsets.US_ASCII),
                    digest("SHA-256", parts[1] + candidate).getBytes(StandardCharsets.US_ASCII));
        }
        String javaName = switch (parts[1]) {
            case "MD5" -> "MD5";
            case "SHA1" -> "SHA-1";
            case "SHA256" -> "SHA-256";
            default -> null;
        };
        return javaName != null
                && MessageDigest.isEqual(
                        parts[2].getBytes(StandardCharsets.US_ASCII),
                        digest(javaName, candidate).getBytes(StandardCharsets.US_ASCII));
    }

    private static String digest(String algorithm, String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}
