package dev.logtocp.processor.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.security.SignatureVerifier.Invalid;
import dev.logtocp.processor.security.SignatureVerifier.UnknownKey;
import dev.logtocp.processor.security.SignatureVerifier.Unsigned;
import dev.logtocp.processor.security.SignatureVerifier.Valid;
import dev.logtocp.processor.security.SignatureVerifier.Verdict;
import dev.logtocp.schema.signing.CommandSigner;
import dev.logtocp.schema.signing.Ed25519Keys;
import dev.logtocp.schema.signing.SignatureHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureVerifierTest {

    static final KeyPair OLD = Ed25519Keys.generate();
    static final KeyPair NEW = Ed25519Keys.generate();
    static final KeyPair OTHER = Ed25519Keys.generate();
    static final byte[] SECRET = "hmac-secret-for-tests-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String TOPIC = "logto.commands";
    static final byte[] VALUE = {0, 0, 0, 0, 7, 2, 'h', 'i', 42, 1, 2, 3};

    @TempDir
    Path dir;

    Path secretFile;

    @BeforeEach
    void writeSecret() throws Exception {
        secretFile = dir.resolve("hmac");
        Files.write(secretFile, SECRET);
    }

    IssuerPolicy policy(boolean withOldKey) {
        return IssuerPolicy.parse(policyJson(withOldKey));
    }

    String policyJson(boolean withOldKey) {
        String oldKey = withOldKey
                ? "\"support-2025-12\": {\"alg\": \"ed25519\", \"publicKey\": \""
                        + Ed25519Keys.toBase64(OLD.getPublic()) + "\"},"
                : "";
        return """
                {"issuers": {
                  "support-tool": {"commands": ["*"], "requireSignature": true, "keys": {
                    %s
                    "support-2026-01": {"alg": "ed25519", "publicKey": "%s"},
                    "support-hmac": {"alg": "hmac-sha256", "secretFile": "%s"}}},
                  "other": {"commands": ["*"], "keys": {
                    "other-1": {"alg": "ed25519", "publicKey": "%s"}}}}}
                """.formatted(
                oldKey, Ed25519Keys.toBase64(NEW.getPublic()), secretFile, Ed25519Keys.toBase64(OTHER.getPublic()));
    }

    static Headers signed(CommandSigner signer, String topic, byte[] value) {
        Headers headers = new RecordHeaders();
        signer.sign(topic, value, headers);
        return headers;
    }

    @Test
    void validSignaturesForBothAlgorithms() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));

        assertThat(verifier.verify(
                        "support-tool",
                        TOPIC,
                        VALUE,
                        signed(CommandSigner.ed25519("support-2026-01", NEW.getPrivate()), TOPIC, VALUE)))
                .isEqualTo(new Valid("support-2026-01"));
        assertThat(verifier.verify(
                        "support-tool",
                        TOPIC,
                        VALUE,
                        signed(CommandSigner.hmacSha256("support-hmac", SECRET), TOPIC, VALUE)))
                .isEqualTo(new Valid("support-hmac"));
    }

    @Test
    void unsignedWhenNoHeaders() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));

        assertThat(verifier.verify("support-tool", TOPIC, VALUE, new RecordHeaders()))
                .isInstanceOf(Unsigned.class);
        assertThat(verifier.verify("support-tool", TOPIC, VALUE, null)).isInstanceOf(Unsigned.class);
    }

    @Test
    void tamperedValueTopicOrSignatureIsInvalid() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));
        for (CommandSigner signer : new CommandSigner[] {
            CommandSigner.ed25519("support-2026-01", NEW.getPrivate()), CommandSigner.hmacSha256("support-hmac", SECRET)
        }) {
            Headers headers = signed(signer, TOPIC, VALUE);
            for (int i = 5; i < VALUE.length; i++) {
                byte[] tampered = VALUE.clone();
                tampered[i] ^= 0x10;
                assertThat(verifier.verify("support-tool", TOPIC, tampered, headers))
                        .as("%s byte %d", signer, i)
                        .isInstanceOf(Invalid.class);
            }
            assertThat(verifier.verify("support-tool", "logto.commands.other", VALUE, headers))
                    .isInstanceOf(Invalid.class);
            byte[] truncated = java.util.Arrays.copyOf(VALUE, VALUE.length - 1);
            assertThat(verifier.verify("support-tool", TOPIC, truncated, headers))
                    .isInstanceOf(Invalid.class);
            // The schema id is outside the signed bytes: re-registration does not break signatures.
            byte[] otherId = VALUE.clone();
            otherId[4] = 9;
            assertThat(verifier.verify("support-tool", TOPIC, otherId, headers)).isInstanceOf(Valid.class);

            byte[] sig = Base64.getDecoder()
                    .decode(headers.lastHeader(SignatureHeaders.SIGNATURE).value());
            sig[0] ^= 1;
            headers.remove(SignatureHeaders.SIGNATURE);
            headers.add(SignatureHeaders.SIGNATURE, Base64.getEncoder().encode(sig));
            Verdict flipped = verifier.verify("support-tool", TOPIC, VALUE, headers);
            assertThat(flipped).isInstanceOf(Invalid.class);
            assertThat(((Invalid) flipped).reason()).contains("does not match");
        }
    }

    @Test
    void rotationKeepsSeveralKeysValidAndRemovedKeysBecomeUnknown() {
        Headers oldSigned = signed(CommandSigner.ed25519("support-2025-12", OLD.getPrivate()), TOPIC, VALUE);
        Headers newSigned = signed(CommandSigner.ed25519("support-2026-01", NEW.getPrivate()), TOPIC, VALUE);

        SignatureVerifier both = new SignatureVerifier(policy(true));
        assertThat(both.verify("support-tool", TOPIC, VALUE, oldSigned)).isEqualTo(new Valid("support-2025-12"));
        assertThat(both.verify("support-tool", TOPIC, VALUE, newSigned)).isEqualTo(new Valid("support-2026-01"));

        SignatureVerifier rotated = new SignatureVerifier(policy(false));
        assertThat(rotated.verify("support-tool", TOPIC, VALUE, oldSigned))
                .isEqualTo(new UnknownKey("support-2025-12"));
        assertThat(rotated.verify("support-tool", TOPIC, VALUE, newSigned)).isEqualTo(new Valid("support-2026-01"));
    }

    @Test
    void verifierFollowsTheStoreAcrossReloads() throws Exception {
        Headers oldSigned = signed(CommandSigner.ed25519("support-2025-12", OLD.getPrivate()), TOPIC, VALUE);
        Path file = dir.resolve("policy.json");
        Files.writeString(file, policyJson(true));
        try (PolicyStore store = PolicyStore.open(file, java.time.Duration.ofHours(1))) {
            SignatureVerifier verifier = new SignatureVerifier(store);
            assertThat(verifier.verify("support-tool", TOPIC, VALUE, oldSigned)).isInstanceOf(Valid.class);

            Files.writeString(file, policyJson(false));
            Files.setLastModifiedTime(
                    file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            assertThat(store.reloadIfChanged()).isTrue();

            assertThat(verifier.verify("support-tool", TOPIC, VALUE, oldSigned))
                    .isEqualTo(new UnknownKey("support-2025-12"));
        }
    }

    @Test
    void keysAreScopedToTheirIssuer() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));
        Headers otherSigned = signed(CommandSigner.ed25519("other-1", OTHER.getPrivate()), TOPIC, VALUE);
        Headers supportSigned = signed(CommandSigner.ed25519("support-2026-01", NEW.getPrivate()), TOPIC, VALUE);

        // A command claiming to be support-tool's, signed with other's (valid) key, is not support-tool's.
        assertThat(verifier.verify("support-tool", TOPIC, VALUE, otherSigned)).isEqualTo(new UnknownKey("other-1"));
        assertThat(verifier.verify("other", TOPIC, VALUE, supportSigned)).isEqualTo(new UnknownKey("support-2026-01"));
        assertThat(verifier.verify("stranger", TOPIC, VALUE, supportSigned))
                .isEqualTo(new UnknownKey("support-2026-01"));
        assertThat(verifier.verify(null, TOPIC, VALUE, supportSigned)).isInstanceOf(UnknownKey.class);
    }

    @Test
    void malformedHeadersAreInvalid() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));
        Headers good = signed(CommandSigner.ed25519("support-2026-01", NEW.getPrivate()), TOPIC, VALUE);

        Headers duplicate = copy(good);
        duplicate.add(
                SignatureHeaders.SIGNATURE,
                good.lastHeader(SignatureHeaders.SIGNATURE).value());
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, duplicate)))
                .isEqualTo("duplicate lcp-signature header");

        Headers noAlg = copy(good);
        noAlg.remove(SignatureHeaders.ALGORITHM);
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, noAlg)))
                .contains("lcp-signature-alg is missing");

        Headers wrongAlg = copy(good);
        wrongAlg.remove(SignatureHeaders.ALGORITHM);
        wrongAlg.add(SignatureHeaders.ALGORITHM, "hmac-sha256".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, wrongAlg)))
                .contains("does not match key support-2026-01");

        // HMAC headers naming the Ed25519 key: algorithm confusion is refused before any MAC is computed.
        Headers confused = signed(CommandSigner.hmacSha256("support-2026-01", SECRET), TOPIC, VALUE);
        assertThat(verifier.verify("support-tool", TOPIC, VALUE, confused)).isInstanceOf(Invalid.class);

        Headers notBase64 = copy(good);
        notBase64.remove(SignatureHeaders.SIGNATURE);
        notBase64.add(SignatureHeaders.SIGNATURE, "***".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, notBase64)))
                .contains("not base64");

        Headers shortSig = copy(good);
        shortSig.remove(SignatureHeaders.SIGNATURE);
        shortSig.add(SignatureHeaders.SIGNATURE, Base64.getEncoder().encode(new byte[10]));
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, shortSig)))
                .contains("has 10 bytes");

        Headers badKeyId = copy(good);
        badKeyId.remove(SignatureHeaders.KEY_ID);
        badKeyId.add(SignatureHeaders.KEY_ID, "x".repeat(1000).getBytes(StandardCharsets.UTF_8));
        assertThat(reason(verifier.verify("support-tool", TOPIC, VALUE, badKeyId)))
                .isEqualTo("lcp-signature-key is not a valid key id");

        assertThat(reason(verifier.verify("support-tool", TOPIC, new byte[3], good)))
                .contains("shorter than the wire-format header");
        assertThat(reason(verifier.verify("support-tool", TOPIC, null, good)))
                .contains("shorter than the wire-format header");
    }

    @Test
    void reasonsNeverContainKeyMaterial() {
        SignatureVerifier verifier = new SignatureVerifier(policy(true));
        Headers hmac = signed(CommandSigner.hmacSha256("support-hmac", SECRET), TOPIC, VALUE);
        byte[] tampered = VALUE.clone();
        tampered[6] ^= 1;

        String reason = reason(verifier.verify("support-tool", TOPIC, tampered, hmac));

        assertThat(reason)
                .doesNotContain(
                        new String(SECRET, StandardCharsets.US_ASCII),
                        Base64.getEncoder().encodeToString(SECRET),
                        Ed25519Keys.toBase64(NEW.getPublic()));
    }

    static String reason(Verdict verdict) {
        assertThat(verdict).isInstanceOf(Invalid.class);
        return ((Invalid) verdict).reason();
    }

    static Headers copy(Headers headers) {
        return new RecordHeaders(headers.toArray());
    }
}
