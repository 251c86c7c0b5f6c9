package dev.logtocp.schema.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Headers;

/**
 * Signs serialized command values for upstream producers: computes an Ed25519 signature or an HMAC-SHA256 over
 * {@link SignedContent#of} and writes the three {@link SignatureHeaders}, replacing any that are already there.
 *
 * <p>Thread-safe: JDK {@link Signature} and {@link Mac} objects are not, so each call gets its own; their set-up
 * costs microseconds, small next to a Kafka send.
 */
public final class CommandSigner {

    private final String keyId;
    private final String algorithm;
    private final PrivateKey privateKey;
    private final SecretKeySpec hmacKey;

    private CommandSigner(String keyId, String algorithm, PrivateKey privateKey, SecretKeySpec hmacKey) {
        if (!SignatureHeaders.isValidKeyId(keyId)) {
            throw new IllegalArgumentException("key id must be 1 to " + SignatureHeaders.MAX_KEY_ID_LENGTH
                    + " printable ASCII characters without spaces");
        }
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.hmacKey = hmacKey;
    }

    /** A signer using an Ed25519 private key, announced as {@code keyId}. */
    public static CommandSigner ed25519(String keyId, PrivateKey key) {
        Objects.requireNonNull(key, "key");
        CommandSigner signer = new CommandSigner(keyId, SignatureHeaders.ALG_ED25519, key, null);
        // Fail at construction, not at the first send, when the key is not Ed25519.
        signer.compute(new byte[0]);
        return signer;
    }

    /**
     * A signer using an HMAC-SHA256 shared secret (at least {@value HmacSecrets#MIN_BYTES} bytes), announced as
     * {@code keyId}. The secret is copied; the caller may wipe its array.
     */
    public static CommandSigner hmacSha256(String keyId, byte[] secret) {
        HmacSecrets.check(secret, "HMAC secret");
        return new CommandSigner(
                keyId,
                SignatureHeaders.ALG_HMAC_SHA256,
                null,
                new SecretKeySpec(Arrays.copyOf(secret, secret.length), "HmacSHA256"));
    }

    /** The key id written to {@link SignatureHeaders#KEY_ID}. */
    public String keyId() {
        return keyId;
    }

    /** {@link SignatureHeaders#ALG_ED25519} or {@link SignatureHeaders#ALG_HMAC_SHA256}. */
    public String algorithm() {
        return algorithm;
    }

    /**
     * Signs {@code serializedValue} (wire format, as the serializer produced it) for {@code topic} and puts the
     * signature headers into {@code headers}, removing earlier ones so a record never carries two.
     *
     * @throws IllegalArgumentException when the value is shorter than the wire-format header
     */
    public void sign(String topic, byte[] serializedValue, Headers headers) {
        Objects.requireNonNull(headers, "headers");
        byte[] signature = compute(SignedContent.of(topic, serializedValue));
        headers.remove(SignatureHeaders.SIGNATURE);
        headers.remove(SignatureHeaders.KEY_ID);
        headers.remove(SignatureHeaders.ALGORITHM);
        headers.add(SignatureHeaders.SIGNATURE, Base64.getEncoder().encode(signature));
        headers.add(SignatureHeaders.KEY_ID, keyId.getBytes(StandardCharsets.UTF_8));
        headers.add(SignatureHeaders.ALGORITHM, algorithm.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] compute(byte[] content) {
        try {
            if (hmacKey != null) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(hmacKey);
                return mac.doFinal(content);
            }
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(content);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            // InvalidKeyException for a non-Ed25519 key; the message names the key type, not its bytes.
            throw new IllegalArgumentException(
                    "cannot sign with key " + keyId + " (" + algorithm + "): "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    @Override
    public String toString() {
        return "CommandSigner[" + algorithm + ", keyId=" + keyId + "]";
    }
}
