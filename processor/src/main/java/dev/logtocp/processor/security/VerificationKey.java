package dev.logtocp.processor.security;

import dev.logtocp.schema.signing.Ed25519Keys;
import dev.logtocp.schema.signing.HmacSecrets;
import dev.logtocp.schema.signing.SignatureHeaders;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Set;

/**
 * One verification key: an Ed25519 public key or an HMAC secret. {@link #toString} leaves the secret out.
 */
record VerificationKey(String keyId, String algorithm, PublicKey publicKey, byte[] secret) {

    static VerificationKey parse(String keyId, JsonObject json, String path, Path baseDir, Set<Path> files) {
        for (String field : json.fieldNames()) {
            // Checked before anything else so that the error for a pasted secret is the helpful one.
            if (field.toLowerCase(Locale.ROOT).contains("secret") && !field.equals("secretFile")) {
                throw new IssuerPolicyException(
                        path + "." + field,
                        "inline HMAC secrets are not allowed; put the secret in a file and name it in secretFile");
            }
        }
        PolicyJson.onlyKnownFields(json, path, Set.of("alg", "publicKey", "publicKeyFile", "secretFile"));
        String alg = PolicyJson.requiredString(json, "alg", path);
        switch (alg) {
            case SignatureHeaders.ALG_ED25519 -> {
                if (json.containsKey("secretFile")) {
                    throw new IssuerPolicyException(
                            path + ".secretFile",
                            "is for hmac-sha256 keys; ed25519 keys take publicKey or publicKeyFile");
                }
                boolean inline = json.containsKey("publicKey");
                boolean file = json.containsKey("publicKeyFile");
                if (inline == file) {
                    throw new IssuerPolicyException(
                            path, "an ed25519 key needs exactly one of publicKey or publicKeyFile");
                }
                PublicKey key;
                if (inline) {
                    try {
                        key = Ed25519Keys.publicKeyFromBase64(PolicyJson.requiredString(json, "publicKey", path));
                    } catch (IllegalArgumentException e) {
                        throw new IssuerPolicyException(
                                path + ".publicKey", "is not a base64 X.509 Ed25519 public key");
                    }
                } else {
                    Path keyFile = baseDir.resolve(PolicyJson.requiredString(json, "publicKeyFile", path));
                    files.add(keyFile);
                    try {
                        key = Ed25519Keys.publicKeyFromPem(Files.readString(keyFile, StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        throw new IssuerPolicyException(
                                path + ".publicKeyFile",
                                "cannot read " + keyFile + " (" + e.getClass().getSimpleName() + ")");
                    } catch (IllegalArgumentException e) {
                        throw new IssuerPolicyException(
                                path + ".publicKeyFile", keyFile + " does not hold a PEM Ed25519 public key");
                    }
                }
                return new VerificationKey(keyId, alg, key, null);
            }
            case SignatureHeaders.ALG_HMAC_SHA256 -> {
                if (json.containsKey("publicKey") || json.containsKey("publicKeyFile")) {
                    throw new IssuerPolicyException(path, "an hmac-sha256 key takes secretFile, not a public key");
                }
                Path secretFile = baseDir.resolve(PolicyJson.requiredString(json, "secretFile", path));
                files.add(secretFile);
                try {
                    return new VerificationKey(keyId, alg, null, HmacSecrets.read(secretFile));
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    throw new IssuerPolicyException(path + ".secretFile", e.getMessage());
                }
            }
            default -> throw new IssuerPolicyException(path + ".alg", "must be \"ed25519\" or \"hmac-sha256\"");
        }
    }

    @Override
    public String toString() {
        return "VerificationKey[" + keyId + ", " + algorithm + "]";
    }
}
