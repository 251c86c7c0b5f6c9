package dev.logtocp.processor.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Public keys of the services allowed to receive generated passwords, one PEM file per issuer
 * ({@code <issuer>.pem}, an RSA key of at least 2048 bits in X.509 SubjectPublicKeyInfo form, as written by
 * {@code openssl rsa -pubout}) in the directory named by {@code PASSWORD_RESET_KEYS_DIR}. Loaded once at start.
 */
public final class RecipientKeys {
    private final Map<String, Recipient> byIssuer;

    /** A key and its fingerprint (SHA-256 of the encoded key, hex), which the outcome names so the issuer knows which key to use. */
    public record Recipient(PublicKey key, String fingerprint) {}

    private RecipientKeys(Map<String, Recipient> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
    }

    public static RecipientKeys none() {
        return new RecipientKeys(Map.of());
    }

    public static RecipientKeys load(Path directory) {
        Map<String, Recipient> keys = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pem"))
                    .toList()) {
                String name = file.getFileName().toString();
                keys.put(
                        name.substring(0, name.length() - 4),
                        parse(Files.readString(file, StandardCharsets.US_ASCII), name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PASSWORD_RESET_KEYS_DIR " + directory, e);
        }
        return new RecipientKeys(keys);
    }

    public static Recipient parse(String pem, String source) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            if (((RSAPublicKey) key).getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException(source + ": RSA keys must have at least 2048 bits");
            }
            return new Recipient(
                    key,
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": not an RSA public key in PEM (BEGIN PUBLIC KEY) form", e);
        }
    }

    public Optional<Recipient> forIssuer(String issuer) {
        return Optional.ofNullable(byIssuer.get(issuer));
    }
}
