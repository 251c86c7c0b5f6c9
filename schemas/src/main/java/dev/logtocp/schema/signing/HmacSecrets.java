package dev.logtocp.schema.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads HMAC secrets from files the same way on both sides, so a producer and the processor given the same file
 * use the same key: the file's bytes with trailing CR/LF removed ({@code echo secret > file} and
 * {@code printf secret > file} agree). Secrets shorter than {@value #MIN_BYTES} bytes are refused.
 *
 * <p>Stateless; thread-safe. Error messages name the file, never its content.
 */
public final class HmacSecrets {

    /** HMAC-SHA256 keys shorter than its output size weaken it; refuse them. */
    public static final int MIN_BYTES = 32;

    private HmacSecrets() {}

    /**
     * The secret held in {@code file}.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when the secret is shorter than {@value #MIN_BYTES} bytes
     */
    public static byte[] read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read HMAC secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        byte[] secret = Arrays.copyOf(bytes, end);
        Arrays.fill(bytes, (byte) 0);
        check(secret, "HMAC secret file " + file);
        return secret;
    }

    static void check(byte[] secret, String what) {
        if (secret == null || secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(what + " holds fewer than " + MIN_BYTES + " bytes");
        }
    }
}
