package dev.logtocp.processor.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.PasswordSet;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class DeadLetterViewTest {
    private static final String CANARY = "CANARY-PW-0123456789abcdef";

    private static byte[] wire(int schemaId, PasswordSet command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<PasswordSet>(PasswordSet.getClassSchema()).write(command, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static PasswordSet command() {
        return PasswordSet.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId("cmd-1")
                        .setIdempotencyKey("key-1")
                        .setIssuer("crm")
                        .setIssuedAt(Instant.parse("2026-12-01T10:00:00Z"))
                        .build())
                .setUser(UserRef.newBuilder()
                        .setKind(UserRefKind.USERNAME)
                        .setValue("alice")
                        .build())
                .setPassword(CANARY)
                .build();
    }

    private static String hexOf(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything the view would put on the page, with the hex lines' spaces removed so byte runs are searchable. */
    private static String rendered(JsonObject view) {
        return view.encode()
                + String.join(
                                "",
                                view.getJsonArray("hex").stream()
                                        .map(String::valueOf)
                                        .toList())
                        .replace(" ", "");
    }

    @Test
    void aSecretFieldIsMaskedInTheHexAndLeftOutOfTheDecodedView() throws Exception {
        JsonObject view = DeadLetterView.value(wire(7, command()), id -> PasswordSet.getClassSchema());
        assertThat(view.getJsonObject("decoded").getString("password")).isEqualTo(RedactingDatumReader.REDACTED);
        assertThat(view.getJsonObject("decoded").getJsonObject("user").getString("value"))
                .isEqualTo("alice");
        assertThat(view.getJsonObject("decoded").getJsonObject("meta").getString("issuedAt"))
                .isEqualTo("2026-12-01T10:00:00Z");
        assertThat(view.getJsonObject("masked").getInteger("secretBytes")).isEqualTo(CANARY.length() + 1);
        assertThat(view.getJsonObject("masked").getInteger("withheldBytes")).isZero();
        assertThat(rendered(view))
                .contains(hexOf("alice"))
                .doesNotContain(CANARY)
                .doesNotContain(hexOf(CANARY.substring(0, 8)));
    }

    @Test
    void negativeControlAFieldNotMarkedSecretIsShown() throws Exception {
        // The same bytes read with a schema whose password doc lacks the SECRET marking: the canary appears,
        // so the assertions above would catch a schema or reader that stopped masking.
        Schema unmarked = new Schema.Parser()
                .parse(PasswordSet.getClassSchema().toString().replace("SECRET.", "Plain."));
        JsonObject view = DeadLetterView.value(wire(7, command()), id -> unmarked);
        assertThat(rendered(view)).contains(CANARY).contains(hexOf(CANARY.substring(0, 8)));
    }

    @Test
    void aTruncatedDatumOfASchemaWithSecretsIsWithheldWhole() throws Exception {
        byte[] whole = wire(7, command());
        JsonObject view =
                DeadLetterView.value(Arrays.copyOf(whole, whole.length - 4), id -> PasswordSet.getClassSchema());
        assertThat(view.getString("decodeError")).contains("datum is withheld");
        assertThat(view.getJsonObject("masked").getInteger("withheldBytes")).isEqualTo(whole.length - 4 - 5);
        assertThat(rendered(view)).doesNotContain(hexOf(CANARY.substring(0, 8))).doesNotContain(hexOf("alice"));
    }

    @Test
    void anUnknownSchemaOrAValueOutsideTheWireFormatIsWithheld() throws Exception {
        JsonObject unknown = DeadLetterView.value(wire(99, command()), id -> {
            throw new IllegalStateException("40403 schema not found");
        });
        assertThat(unknown.getString("decodeError")).contains("schema id 99");
        assertThat(rendered(unknown)).doesNotContain(hexOf(CANARY.substring(0, 8)));
        JsonObject json =
                DeadLetterView.value(("{\"password\":\"" + CANARY + "\"}").getBytes(StandardCharsets.UTF_8), id -> {
                    throw new AssertionError("not asked");
                });
        assertThat(json.getBoolean("wireFormat")).isFalse();
        assertThat(rendered(json)).doesNotContain(CANARY).doesNotContain(hexOf(CANARY.substring(0, 8)));
    }

    @Test
    void hostileCountsEndTheReadInsteadOfLooping() {
        Schema nulls = new Schema.Parser()
                .parse(
                        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"null\"}}]}");
        // One block of 2^62 null items (zig-zag varint), which take no bytes each.
        byte[] value = {
            0,
            0,
            0,
            0,
            1,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0x01
        };
        JsonObject view = DeadLetterView.value(value, id -> nulls);
        assertThat(view.getString("decodeError")).contains("does not decode");
    }
}
