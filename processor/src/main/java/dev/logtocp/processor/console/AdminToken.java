package dev.logtocp.processor.console;

import dev.logtocp.processor.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The operator token console actions need ({@code HTTP_ADMIN_TOKEN}), checked in constant time. Only a digest of
 * it is kept, so nothing here can render or log the token. Immutable, thread-safe.
 */
final class AdminToken {
    /** Why a request may not act. */
    enum Verdict {
        ALLOWED,
        NOT_CONFIGURED,
        MISSING,
        WRONG
    }

    private final byte[] digest;

    AdminToken(Optional<Secret> token) {
        this.digest = token.map(t -> sha256(t.reveal())).orElse(null);
    }

    boolean configured() {
        return digest != null;
    }

    /** Judges an {@code Authorization} header value ({@code Bearer <token>}). */
    Verdict check(String authorization) {
        if (digest == null) {
            return Verdict.NOT_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.MISSING;
        }
        String given = authorization.substring(7).trim();
        if (given.isEmpty()) {
            return Verdict.MISSING;
        }
        // Digests have the same length whatever was sent, so the comparison time says nothing about the token.
        return MessageDigest.isEqual(digest, sha256(given)) ? Verdict.ALLOWED : Verdict.WRONG;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
