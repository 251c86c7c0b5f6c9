package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.FieldError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Every example in the producer kit is a command this processor accepts: its handler's validation passes. */
class ProducerKitExamplesValidTest {
    private static final Path EXAMPLES =
            Path.of(System.getProperty("user.dir")).getParent().resolve("schemas/producer-kit/examples");

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyExamplePassesItsHandlersValidation() throws Exception {
        // The examples' issuer is crm; a PasswordReset needs a key to encrypt the new password to.
        Path keys = Files.createTempDirectory("recipients");
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Files.writeString(
                keys.resolve("crm.pem"),
                "-----BEGIN PUBLIC KEY-----\n"
                        + java.util.Base64.getMimeEncoder()
                                .encodeToString(
                                        rsa.generateKeyPair().getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        HandlerRegistry handlers = HandlerRegistry.standard(RecipientKeys.load(keys));
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> p.toString().endsWith(".avro.json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(25);
        for (Path file : files) {
            Class<?> type = Class.forName(
                    "dev.logtocp.commands." + file.getFileName().toString().replace(".avro.json", ""));
            Schema schema = SpecificData.get().getSchema(type);
            SpecificRecord command = new SpecificDatumReader<SpecificRecord>(schema)
                    .read(null, DecoderFactory.get().jsonDecoder(schema, Files.readString(file)));
            CommandHandler handler =
                    (CommandHandler) handlers.find((Class<SpecificRecord>) type).orElseThrow();
            List<FieldError> errors = handler.validate(command);
            assertThat(errors).as(file.getFileName().toString()).isEmpty();
        }
    }
}
