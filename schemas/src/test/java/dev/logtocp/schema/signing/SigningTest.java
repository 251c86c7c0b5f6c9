package dev.logtocp.schema.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.schema.registry.RegisteredSchema;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningTest {

    static final byte[] SECRET = "0123456789abcdef0123456789abcdef-secret".getBytes(StandardCharsets.US_ASCII);
    static final KeyPair PAIR = Ed25519Keys.generate();

    @TempDir
    Path dir;

    /** A wire-format value: magic byte, schema id, then an Avro-ish body (signing does not look inside). */
    static byte[] wire(int schemaId, String body) {
        byte[] datum = body.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[5 + datum.length];
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
        System.arraycopy(datum, 0, out, 5, datum.length);
        return out;
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Independent check with the JDK, as the processor does it. */
    static boolean verifies(String topic, byte[] value, Headers headers, PublicKey publicKey, byte[] secret)
            throws GeneralSecurityException {
        byte[] signature = Base64.getDecoder().decode(header(headers, SignatureHeaders.SIGNATURE));
        byte[] content = SignedContent.of(topic, value);
        if (SignatureHeaders.ALG_HMAC_SHA256.equals(header(headers, SignatureHeaders.ALGORITHM))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return MessageDigest.isEqual(mac.doFinal(content), signature);
        }
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(content);
        return verifier.verify(signature);
    }

    @Test
    void signedContentIsPrefixTopicAndDatumWithoutWireHeader() {
        byte[] content = SignedContent.of("logto.commands", wire(42, "datum"));

        assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo("lcp-sig-v1\nlogto.commands\ndatum");
        assertThat(SignedContent.of("t", wire(1, ""))).isEqualTo("lcp-sig-v1\nt\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SignedContent.of("t", new byte[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than the 5-byte wire header");
        assertThatThrownBy(() -> SignedContent.of("t", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ed25519RoundTripAndTamperDetection() throws Exception {
        CommandSigner signer = CommandSigner.ed25519("support-2026-01", PAIR.getPrivate());
        byte[] value = wire(3, "the command");
        Headers headers = new RecordHeaders();

        signer.sign("logto.commands", value, headers);

        assertThat(header(headers, SignatureHeaders.KEY_ID)).isEqualTo("support-2026-01");
        assertThat(header(headers, SignatureHeaders.ALGORITHM)).isEqualTo("ed25519");
        assertThat(Base64.getDecoder().decode(header(headers, SignatureHeaders.SIGNATURE)))
                .hasSize(64);
        assertThat(verifies("logto.commands", value, headers, PAIR.getPublic(), null))
                .isTrue();

        for (int i = 5; i < value.length; i++) {
            byte[] tampered = value.clone();
            tampered[i] ^= 0x01;
            assertThat(verifies("logto.commands", tampered, headers, PAIR.getPublic(), null))
                    .as("byte %d", i)
                    .isFalse();
        }
        assertThat(verifies("other.topic", value, headers, PAIR.getPublic(), null))
                .isFalse();
        assertThat(verifies(
                        "logto.commands", value, headers, Ed25519Keys.generate().getPublic(), null))
                .isFalse();
    }

    @Test
    void signatureSurvivesASchemaIdChangeButNotABodyChange() throws Exception {
        CommandSigner signer = CommandSigner.ed25519("k", PAIR.getPrivate());
        Headers headers = new RecordHeaders();
        signer.sign("t", wire(3, "same datum"), headers);

        assertThat(verifies("t", wire(99, "same datum"), headers, PAIR.getPublic(), null))
                .isTrue();
        assertThat(verifies("t", wire(3, "same datum!"), headers, PAIR.getPublic(), null))
                .isFalse();
        assertThat(verifies("t", wire(3, "same datu"), headers, PAIR.getPublic(), null))
                .isFalse();
    }

    @Test
    void hmacRoundTripAndTamperDetection() throws Exception {
        CommandSigner signer = CommandSigner.hmacSha256("support-hmac", SECRET);
        byte[] value = wire(3, "the command");
        Headers headers = new RecordHeaders();

        signer.sign("logto.commands", value, headers);

        assertThat(header(headers, SignatureHeaders.ALGORITHM)).isEqualTo("hmac-sha256");
        assertThat(Base64.getDecoder().decode(header(headers, SignatureHeaders.SIGNATURE)))
                .hasSize(32);
        assertThat(verifies("logto.commands", value, headers, null, SECRET)).isTrue();
        byte[] tampered = value.clone();
        tampered[value.length - 1] ^= (byte) 0x80;
        assertThat(verifies("logto.commands", tampered, headers, null, SECRET)).isFalse();
        assertThat(verifies("logto.commands.dlq", value, headers, null, SECRET)).isFalse();
        byte[] otherSecret = SECRET.clone();
        otherSecret[0] ^= 1;
        assertThat(verifies("logto.commands", value, headers, null, otherSecret))
                .isFalse();
    }

    @Test
    void signingReplacesEarlierSignatureHeadersAndKeepsOthers() {
        Headers headers = new RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        headers.add(SignatureHeaders.SIGNATURE, "forged".getBytes(StandardCharsets.UTF_8));
        headers.add(SignatureHeaders.SIGNATURE, "forged-again".getBytes(StandardCharsets.UTF_8));
        headers.add(SignatureHeaders.KEY_ID, "other".getBytes(StandardCharsets.UTF_8));

        CommandSigner.hmacSha256("first", SECRET).sign("t", wire(1, "v"), headers);
        CommandSigner.ed25519("second", PAIR.getPrivate()).sign("t", wire(1, "v"), headers);

        assertThat(headers.headers(SignatureHeaders.SIGNATURE)).hasSize(1);
        assertThat(headers.headers(SignatureHeaders.KEY_ID)).hasSize(1);
        assertThat(headers.headers(SignatureHeaders.ALGORITHM)).hasSize(1);
        assertThat(header(headers, SignatureHeaders.KEY_ID)).isEqualTo("second");
        assertThat(header(headers, "traceparent")).isEqualTo("00-abc");
    }

    @Test
    void signerRefusesBadKeysAndIds() {
        assertThatThrownBy(() -> CommandSigner.hmacSha256("k", new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fewer than 32 bytes");
        assertThatThrownBy(() -> CommandSigner.hmacSha256("has space", SECRET))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandSigner.hmacSha256("", SECRET)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandSigner.hmacSha256("x".repeat(129), SECRET))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandSigner.ed25519("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CommandSigner.hmacSha256("k", SECRET).sign("t", new byte[3], new RecordHeaders()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hmacSecretFileDropsTrailingNewlines(@TempDir Path tmp) throws Exception {
        Path withNewline = tmp.resolve("a");
        Files.write(
                withNewline,
                (new String(SECRET, StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(HmacSecrets.read(withNewline)).isEqualTo(SECRET);

        Path tooShort = tmp.resolve("b");
        Files.writeString(tooShort, "short\n");
        assertThatThrownBy(() -> HmacSecrets.read(tooShort))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tooShort.toString())
                .hasMessageNotContaining("short\n");
    }

    @Test
    void ed25519KeysRoundTripThroughPemAndBase64() {
        String publicPem = Ed25519Keys.toPem(PAIR.getPublic());
        String privatePem = Ed25519Keys.toPem(PAIR.getPrivate());

        assertThat(publicPem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(privatePem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Ed25519Keys.publicKeyFromPem(publicPem).getEncoded())
                .isEqualTo(PAIR.getPublic().getEncoded());
        assertThat(Ed25519Keys.privateKeyFromPem(privatePem).getEncoded())
                .isEqualTo(PAIR.getPrivate().getEncoded());
        assertThat(Ed25519Keys.toBase64(PAIR.getPublic())).startsWith("MCowBQYDK2VwAyEA");
        assertThat(Ed25519Keys.publicKeyFromBase64(Ed25519Keys.toBase64(PAIR.getPublic()))
                        .getEncoded())
                .isEqualTo(PAIR.getPublic().getEncoded());

        assertThatThrownBy(() -> Ed25519Keys.publicKeyFromPem(privatePem)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.privateKeyFromPem(publicPem)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.publicKeyFromBase64("not base64!"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.publicKeyFromBase64("AAAA"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an X.509 Ed25519 public key");
    }

    @Test
    void signingSerializerByPropertiesEd25519() throws Exception {
        Path keyFile = dir.resolve("producer.pem");
        Files.writeString(keyFile, Ed25519Keys.toPem(PAIR.getPrivate()));
        Map<String, Object> props = new HashMap<>();
        props.put(SigningSerializer.KEY_ID, "support-2026-01");
        props.put(SigningSerializer.PRIVATE_KEY_FILE, keyFile.toString());
        props.put(SigningSerializer.DELEGATE, FakeWireSerializer.class.getName());

        try (SigningSerializer serializer = new SigningSerializer()) {
            serializer.configure(props, false);
            Headers headers = new RecordHeaders();
            byte[] value = serializer.serialize("logto.commands", headers, "payload");

            assertThat(value).isEqualTo(wire(7, "payload"));
            assertThat(header(headers, SignatureHeaders.KEY_ID)).isEqualTo("support-2026-01");
            assertThat(verifies("logto.commands", value, headers, PAIR.getPublic(), null))
                    .isTrue();
            assertThat(serializer.serialize("logto.commands", new RecordHeaders(), null))
                    .isNull();
            assertThatThrownBy(() -> serializer.serialize("t", "no headers"))
                    .isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void signingSerializerByPropertiesHmac() throws Exception {
        Path secretFile = dir.resolve("hmac");
        Files.write(secretFile, SECRET);
        Map<String, Object> props = Map.of(
                SigningSerializer.KEY_ID,
                "support-hmac",
                SigningSerializer.ALGORITHM,
                "HMAC-SHA256",
                SigningSerializer.HMAC_SECRET_FILE,
                secretFile.toString(),
                SigningSerializer.DELEGATE,
                FakeWireSerializer.class.getName());

        try (SigningSerializer serializer = new SigningSerializer()) {
            serializer.configure(props, false);
            Headers headers = new RecordHeaders();
            byte[] value = serializer.serialize("t", headers, "payload");

            assertThat(header(headers, SignatureHeaders.ALGORITHM)).isEqualTo("hmac-sha256");
            assertThat(verifies("t", value, headers, null, SECRET)).isTrue();
        }
    }

    @Test
    void signingSerializerRefusesIncompleteProperties() {
        assertThatThrownBy(() -> new SigningSerializer().configure(Map.of(), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("signing.key.id is required");
        assertThatThrownBy(() -> new SigningSerializer().configure(Map.of(SigningSerializer.KEY_ID, "k"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("signing.private.key.file is required");
        assertThatThrownBy(() -> new SigningSerializer()
                        .configure(Map.of(SigningSerializer.KEY_ID, "k", SigningSerializer.ALGORITHM, "rsa"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be ed25519 or hmac-sha256");
        assertThatThrownBy(() -> new SigningSerializer()
                        .configure(
                                Map.of(SigningSerializer.KEY_ID, "k", SigningSerializer.ALGORITHM, "hmac-sha256"),
                                false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("signing.hmac.secret.file is required");
        assertThatThrownBy(() -> new SigningSerializer()
                        .configure(
                                Map.of(SigningSerializer.KEY_ID, "k", SigningSerializer.DELEGATE, "java.lang.String"),
                                false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a Kafka Serializer");
        assertThatThrownBy(() -> new SigningSerializer().configure(Map.of(), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("value.serializer");
    }

    @Test
    void signingSerializerAroundWireFormatSerializer() throws Exception {
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Probe","namespace":"dev.logtocp.test.signing","fields":[{"name":"id","type":"string"}]}""");
        org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(schema);
        record.put("id", "p-1");
        SigningSerializer serializer = new SigningSerializer(
                new WireFormatSerializer(new FixedIdRegistry(12), Map.of(), false),
                CommandSigner.ed25519("k", PAIR.getPrivate()));

        Headers headers = new RecordHeaders();
        byte[] value = serializer.serialize("logto.commands", headers, record);

        assertThat(value[0]).isZero();
        assertThat(value[4]).isEqualTo((byte) 12);
        assertThat(verifies("logto.commands", value, headers, PAIR.getPublic(), null))
                .isTrue();
        // The same datum under another schema id still verifies: only the datum is signed.
        byte[] reRegistered = value.clone();
        reRegistered[4] = 13;
        assertThat(verifies("logto.commands", reRegistered, headers, PAIR.getPublic(), null))
                .isTrue();
    }

    /** Test delegate: magic byte, schema id 7, UTF-8 of the value. Public for reflective instantiation. */
    public static final class FakeWireSerializer implements Serializer<Object> {
        @Override
        public byte[] serialize(String topic, Object data) {
            return data == null ? null : wire(7, data.toString());
        }
    }

    /** Registry stub answering every registration with one id. */
    private record FixedIdRegistry(int id) implements SchemaRegistryClient {
        @Override
        public int register(String subject, Schema schema) {
            return id;
        }

        @Override
        public Schema schemaById(int id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public OptionalInt lookup(String subject, Schema schema) {
            return OptionalInt.of(id);
        }

        @Override
        public Optional<RegisteredSchema> latest(String subject) {
            return Optional.empty();
        }

        @Override
        public List<String> subjects() {
            return List.of();
        }
    }
}
