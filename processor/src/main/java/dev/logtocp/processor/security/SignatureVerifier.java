package dev.logtocp.processor.security;

import dev.logtocp.schema.signing.SignatureHeaders;
import dev.logtocp.schema.signing.SignedContent;
import dev.logtocp.schema.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Checks the signature headers of a command record against the keys the {@link IssuerPolicy} gives the command's
 * issuer. The signed bytes are {@link SignedContent#of}(record topic, raw record value).
 *
 * <p>A key is looked up under the issuer the command claims ({@code meta.issuer}), so one issuer's key never
 * vouches for another issuer's commands. The algorithm header must match the key's algorithm (no algorithm
 * confusion), each signature header may appear only once, and HMACs are compared in constant time. Several keys
 * of one issuer may be valid at once, which is how keys rotate: add the new key, move producers, remove the old
 * key (its signatures then verify as {@link UnknownKey}).
 *
 * <p>Reasons and key ids in verdicts are safe to publish: they never contain key material, and header values
 * chosen by the sender are cut short.
 *
 * <p>Thread-safe: stateless apart from the policy source, read once per call; JDK {@link Signature} and {@link Mac}
 * objects are created per call.
 */
public final class SignatureVerifier {

    /** The result of {@link #verify}. */
    public sealed interface Verdict permits Valid, Unsigned, Invalid, UnknownKey {}

    /** Signed by {@code keyId} of the issuer, and the signature matches. */
    public record Valid(String keyId) implements Verdict {}

    /** No signature headers at all. */
    public record Unsigned() implements Verdict {
        static final Unsigned INSTANCE = new Unsigned();
    }

    /** Signature headers present but wrong: malformed, duplicated, wrong algorithm, or not matching the bytes. */
    public record Invalid(String reason) implements Verdict {}

    /** Signed with a key id the issuer does not have (unknown, removed, or another issuer's). */
    public record UnknownKey(String keyId) implements Verdict {}

    private static final int ED25519_SIGNATURE_BYTES = 64;
    private static final int HMAC_SHA256_BYTES = 32;

    private final Supplier<IssuerPolicy> policy;

    /** A verifier for one fixed policy. */
    public SignatureVerifier(IssuerPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        this.policy = () -> policy;
    }

    /** A verifier that always uses the store's current policy, so key rotations apply without a restart. */
    public SignatureVerifier(PolicyStore store) {
        Objects.requireNonNull(store, "store");
        this.policy = store::current;
    }

    /**
     * Verifies the record {@code rawValue} (as read from Kafka, wire header included) on {@code topic} claiming to
     * come from {@code issuer}.
     */
    public Verdict verify(String issuer, String topic, byte[] rawValue, Headers headers) {
        Header signature;
        Header keyIdHeader;
        Header algorithm;
        try {
            signature = single(headers, SignatureHeaders.SIGNATURE);
            keyIdHeader = single(headers, SignatureHeaders.KEY_ID);
            algorithm = single(headers, SignatureHeaders.ALGORITHM);
        } catch (DuplicateHeader e) {
            return new Invalid("duplicate " + e.name + " header");
        }
        if (signature == null && keyIdHeader == null && algorithm == null) {
            return Unsigned.INSTANCE;
        }
        if (signature == null || keyIdHeader == null || algorithm == null) {
            String missing = signature == null
                    ? SignatureHeaders.SIGNATURE
                    : keyIdHeader == null ? SignatureHeaders.KEY_ID : SignatureHeaders.ALGORITHM;
            return new Invalid("incomplete signature headers: " + missing + " is missing");
        }
        String keyId = text(keyIdHeader);
        if (!SignatureHeaders.isValidKeyId(keyId)) {
            return new Invalid(SignatureHeaders.KEY_ID + " is not a valid key id");
        }
        VerificationKey key = policy.get().key(issuer, keyId).orElse(null);
        if (key == null) {
            return new UnknownKey(keyId);
        }
        String alg = text(algorithm);
        if (!key.algorithm().equals(alg)) {
            return new Invalid(SignatureHeaders.ALGORITHM + " " + IssuerPolicy.clip(alg) + " does not match key "
                    + keyId + " (" + key.algorithm() + ")");
        }
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature.value() == null ? new byte[0] : signature.value());
        } catch (IllegalArgumentException e) {
            return new Invalid(SignatureHeaders.SIGNATURE + " is not base64");
        }
        if (rawValue == null || rawValue.length < WireFormat.HEADER_SIZE) {
            return new Invalid("the value is shorter than the wire-format header");
        }
        byte[] content = SignedContent.of(topic, rawValue);
        boolean hmac = key.secret() != null;
        int expected = hmac ? HMAC_SHA256_BYTES : ED25519_SIGNATURE_BYTES;
        if (signatureBytes.length != expected) {
            return new Invalid("signature has " + signatureBytes.length + " bytes, " + alg + " has " + expected);
        }
        boolean matches = hmac
                ? hmacMatches(key.secret(), content, signatureBytes)
                : ed25519Matches(key, content, signatureBytes);
        return matches ? new Valid(keyId) : new Invalid("signature does not match the record (key " + keyId + ")");
    }

    private static boolean hmacMatches(byte[] secret, byte[] content, byte[] signature) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            // Constant time: a byte-by-byte early exit would let a sender find a valid MAC by timing.
            return MessageDigest.isEqual(mac.doFinal(content), signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean ed25519Matches(VerificationKey key, byte[] content, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key.publicKey());
            verifier.update(content);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // SignatureException for encodings the JDK refuses (e.g. a non-canonical s): not a valid signature.
            return false;
        }
    }

    private static Header single(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Iterator<Header> it = headers.headers(name).iterator();
        if (!it.hasNext()) {
            return null;
        }
        Header first = it.next();
        if (it.hasNext()) {
            throw new DuplicateHeader(name);
        }
        return first;
    }

    private static String text(Header header) {
        return header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Control flow only; never escapes. */
    private static final class DuplicateHeader extends RuntimeException {
        final String name;

        DuplicateHeader(String name) {
            super(null, null, false, false);
            this.name = name;
        }
    }
}
