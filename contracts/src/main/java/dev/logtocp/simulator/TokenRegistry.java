package dev.logtocp.simulator;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks access tokens. A token carries its expiry and whether it has scope {@code all}, signed with
 * this simulator's key (HMAC-SHA256), so nothing is kept per token and, with a state directory, tokens issued before
 * a restart stay valid as Logto's signed JWTs do. Tokens signed with another key are unknown. Thread-safe.
 */
final class TokenRegistry {

    enum Check {
        VALID,
        UNKNOWN_OR_EXPIRED,
        NO_SCOPE
    }

    private static final String PREFIX = "sim_";
    private static final int PAYLOAD_BYTES = 8 + 1 + 16;

    /** The last token that checked out: clients use one token for its whole life, so most checks end here. */
    private record Verified(String token, long expiresAtMillis, boolean scopeAll) {}

    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Mac> macs;
    private volatile Verified last;
    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration lifetime;

    TokenRegistry(Clock clock, Duration lifetime, byte[] key) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** A registry with a fresh random key: its tokens die with it. */
    static TokenRegistry withRandomKey(Clock clock, Duration lifetime) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new TokenRegistry(clock, lifetime, key);
    }

    String issue(boolean scopeAll) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_BYTES);
        payload.putLong(clock.millis() + lifetime.toMillis()).put((byte) (scopeAll ? 1 : 0));
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        payload.put(nonce);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return PREFIX + b64.encodeToString(payload.array()) + "." + b64.encodeToString(mac(payload.array()));
    }

    /** Seconds reported as {@code expires_in}: at least 1, rounded up so clients never refresh too late. */
    long expiresInSeconds() {
        return Math.max(1, (lifetime.toMillis() + 999) / 1000);
    }

    Check check(String token) {
        Verified known = last;
        if (known != null && known.token().equals(token)) {
            return verdict(known);
        }
        if (!token.startsWith(PREFIX)) {
            return Check.UNKNOWN_OR_EXPIRED;
        }
        int dot = token.indexOf('.', PREFIX.length());
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(PREFIX.length(), dot < 0 ? token.length() : dot));
            signature = dot < 0 ? new byte[0] : Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Check.UNKNOWN_OR_EXPIRED;
        }
        if (payload.length != PAYLOAD_BYTES || !MessageDigest.isEqual(mac(payload), signature)) {
            return Check.UNKNOWN_OR_EXPIRED;
        }
        ByteBuffer fields = ByteBuffer.wrap(payload);
        Verified verified = new Verified(token, fields.getLong(), fields.get() == 1);
        last = verified;
        return verdict(verified);
    }

    private Check verdict(Verified token) {
        if (token.expiresAtMillis() <= clock.millis()) {
            return Check.UNKNOWN_OR_EXPIRED;
        }
        return token.scopeAll() ? Check.VALID : Check.NO_SCOPE;
    }

    private byte[] mac(byte[] payload) {
        return macs.get().doFinal(payload);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
