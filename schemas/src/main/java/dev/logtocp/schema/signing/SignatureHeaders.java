package dev.logtocp.schema.signing;

/**
 * Kafka record headers that carry a command signature. All three are present on a signed record, each once.
 * Constants only.
 */
public final class SignatureHeaders {

    /** Base64 (standard alphabet, padded) of the signature or MAC over {@link SignedContent}. */
    public static final String SIGNATURE = "lcp-signature";
    /** UTF-8 id of the key that signed, as named in the processor's issuer policy. */
    public static final String KEY_ID = "lcp-signature-key";
    /** The algorithm: {@link #ALG_ED25519} or {@link #ALG_HMAC_SHA256}. */
    public static final String ALGORITHM = "lcp-signature-alg";

    /** Ed25519 signature (RFC 8032), 64 bytes. */
    public static final String ALG_ED25519 = "ed25519";
    /** HMAC-SHA256 with a shared secret, 32 bytes. */
    public static final String ALG_HMAC_SHA256 = "hmac-sha256";

    /** Longest key id accepted; ids travel in every record and end up in outcomes. */
    public static final int MAX_KEY_ID_LENGTH = 128;

    private SignatureHeaders() {}

    /** A usable key id: 1 to {@value #MAX_KEY_ID_LENGTH} printable ASCII characters, no spaces. */
    public static boolean isValidKeyId(String keyId) {
        if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
