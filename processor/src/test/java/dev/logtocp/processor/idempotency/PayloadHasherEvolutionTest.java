package dev.logtocp.processor.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * A field added to a released command schema must not change the hash of payloads that do not use it, or every
 * resubmission of a command decided before the upgrade would be REJECTED {@code idempotency_key_reuse}.
 */
class PayloadHasherEvolutionTest {

    /** Digests of these two commands computed at commit 3758bb5, before UserCreate had profileJson. */
    private static final String FULL_BEFORE_PROFILE =
            "c38cd7223432549eab1547968db77bb7726d8bd45575ab130a55a29d1e68e17c";

    private static final String MINIMAL_BEFORE_PROFILE =
            "ba70ae8e7fff4f9456213578f48dff1779d041d334155df823883dc145a62537";

    private static final CommandMeta META = CommandMeta.newBuilder()
            .setCommandId("c-1")
            .setIdempotencyKey("golden-key")
            .setIssuer("crm")
            .setIssuedAt(Instant.parse("2026-12-01T00:00:00Z"))
            .build();

    private static UserCreate.Builder full() {
        return UserCreate.newBuilder()
                .setMeta(META)
                .setExternalId("ext-1")
                .setUsername("alice")
                .setPrimaryEmail("alice@example.com")
                .setPrimaryPhone("123456")
                .setName("Alice")
                .setAvatar("https://example.com/a.png")
                .setPassword("pw")
                .setCustomDataJson("{\"a\":1}");
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    @Test
    void payloadsWithoutTheAddedFieldHashAsTheyDidBeforeItExisted() {
        assertThat(hex(PayloadHasher.hash(full().build()))).isEqualTo(FULL_BEFORE_PROFILE);
        assertThat(hex(PayloadHasher.hash(
                        UserCreate.newBuilder().setMeta(META).setUsername("bob").build())))
                .isEqualTo(MINIMAL_BEFORE_PROFILE);
    }

    @Test
    void theAddedFieldCountsOnceItIsSet() {
        byte[] without = PayloadHasher.hash(full().build());
        byte[] with = PayloadHasher.hash(
                full().setProfileJson("{\"givenName\":\"Ada\"}").build());
        byte[] other = PayloadHasher.hash(
                full().setProfileJson("{\"givenName\":\"Bea\"}").build());
        assertThat(with).isNotEqualTo(without).isNotEqualTo(other);
        assertThat(PayloadHasher.hash(
                        full().setProfileJson("{\"givenName\":\"Ada\"}").build()))
                .isEqualTo(with);
    }

    @Test
    void negativeControlHashingTheWholeNewSchemaWouldChangeTheOldDigest() throws Exception {
        // What the hasher did before fields could be marked: encode the record with its full current schema.
        UserCreate command = full().build();
        UserCreate blanked = UserCreate.newBuilder(command)
                .setMeta(CommandMeta.newBuilder(META)
                        .setCommandId("")
                        .setIssuedAt(Instant.EPOCH)
                        .build())
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<SpecificRecord>(UserCreate.getClassSchema()).write(blanked, encoder);
        encoder.flush();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(UserCreate.getClassSchema().getFullName().getBytes(StandardCharsets.UTF_8));
        assertThat(hex(sha256.digest(bytes.toByteArray()))).isNotEqualTo(FULL_BEFORE_PROFILE);
    }

    @Test
    void aMarkedFieldMustHaveADefaultAndComeLast() {
        Schema noDefault = new Schema.Parser().parse("""
                {"type":"record","name":"A","fields":[{"name":"meta","type":"string"},
                 {"name":"x","type":"string","lcp.hashWhenSet":true}]}""");
        Schema notLast = new Schema.Parser().parse("""
                {"type":"record","name":"B","fields":[{"name":"meta","type":"string"},
                 {"name":"x","type":["null","string"],"default":null,"lcp.hashWhenSet":true},
                 {"name":"y","type":"string"}]}""");
        assertThatThrownBy(() -> PayloadHasher.HashPlan.of(noDefault)).hasMessageContaining("has no default");
        assertThatThrownBy(() -> PayloadHasher.HashPlan.of(notLast)).hasMessageContaining("added fields go at the end");
        assertThat(PayloadHasher.HashPlan.of(UserCreate.getClassSchema()).hashedWhenSet())
                .extracting(Schema.Field::name)
                .containsExactly("profileJson");
    }
}
