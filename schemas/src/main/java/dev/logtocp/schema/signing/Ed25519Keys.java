package dev.logtocp.schema.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 key helpers on the JDK's own provider: generate a pair, and PEM/base64 encode or decode public keys
 * (X.509 SubjectPublicKeyInfo, {@code -----BEGIN PUBLIC KEY-----}) and private keys (PKCS#8,
 * {@code -----BEGIN PRIVATE KEY-----}), the formats {@code openssl genpkey -algorithm ed25519} writes.
 *
 * <p>Stateless; thread-safe. Decoding errors are {@link IllegalArgumentException}s that never quote key bytes.
 */
public final class Ed25519Keys {

    private static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Ed25519Keys() {}

    /** A fresh key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** {@code -----BEGIN PUBLIC KEY-----} PEM of an Ed25519 public key. */
    public static String toPem(PublicKey key) {
        requireEd25519(key, "X.509");
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** {@code -----BEGIN PRIVATE KEY-----} PEM (PKCS#8) of an Ed25519 private key. */
    public static String toPem(PrivateKey key) {
        requireEd25519(key, "PKCS#8");
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Base64 of the X.509 encoding: the single-line form the issuer policy's {@code publicKey} takes. */
    public static String toBase64(PublicKey key) {
        requireEd25519(key, "X.509");
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** An Ed25519 public key from {@code -----BEGIN PUBLIC KEY-----} PEM text. */
    public static PublicKey publicKeyFromPem(String pem) {
        return publicKeyFromDer(unpem(pem, "PUBLIC KEY"));
    }

    /** An Ed25519 public key from base64 of its X.509 encoding (whitespace ignored). */
    public static PublicKey publicKeyFromBase64(String base64) {
        return publicKeyFromDer(decodeBase64(base64, "public key"));
    }

    /** An Ed25519 private key from {@code -----BEGIN PRIVATE KEY-----} (PKCS#8) PEM text. */
    public static PrivateKey privateKeyFromPem(String pem) {
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(unpem(pem, "PRIVATE KEY")));
            requireEd25519(key, "PKCS#8");
            return key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key");
        }
    }

    private static PublicKey publicKeyFromDer(byte[] der) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
            requireEd25519(key, "X.509");
            return key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an X.509 Ed25519 public key");
        }
    }

    /** The JDK names Ed25519 and Ed448 keys both "EdDSA"; the curve is in the parameters. */
    private static void requireEd25519(Key key, String expectedFormat) {
        boolean ed25519 = key instanceof EdECKey ed
                && NamedParameterSpec.ED25519
                        .getName()
                        .equalsIgnoreCase(ed.getParams().getName());
        if (!ed25519 || !expectedFormat.equals(key.getFormat())) {
            throw new IllegalArgumentException("not an Ed25519 key in " + expectedFormat + " format");
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem, String type) {
        if (pem == null) {
            throw new IllegalArgumentException("no PEM text");
        }
        Matcher m = PEM.matcher(pem);
        if (!m.find() || !m.group(1).equals(type)) {
            throw new IllegalArgumentException("no -----BEGIN " + type + "----- block");
        }
        return decodeBase64(m.group(2), type.toLowerCase(Locale.ROOT));
    }

    private static byte[] decodeBase64(String text, String what) {
        try {
            return Base64.getMimeDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
    }
}
