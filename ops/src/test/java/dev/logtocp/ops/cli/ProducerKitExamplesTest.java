package dev.logtocp.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * The producer kit's examples ({@code schemas/producer-kit/examples}): each {@code <Command>.json} is accepted by
 * {@code ops send} and means exactly what its {@code <Command>.avro.json} twin means in Avro's JSON encoding.
 */
class ProducerKitExamplesTest {
    private static final Path EXAMPLES =
            Path.of(System.getProperty("user.dir")).getParent().resolve("schemas/producer-kit/examples");

    @Test
    void theOpsShapeAndTheAvroJsonOfEveryExampleAreTheSameCommand() throws Exception {
        List<Path> avroJson;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            avroJson = files.filter(p -> p.toString().endsWith(".avro.json"))
                    .sorted()
                    .toList();
        }
        assertThat(avroJson).hasSizeGreaterThanOrEqualTo(25);
        for (Path file : avroJson) {
            String type = file.getFileName().toString().replace(".avro.json", "");
            Schema schema = SpecificData.get().getSchema(JsonCommands.commandClass(type));
            SpecificRecord fromAvroJson = new SpecificDatumReader<SpecificRecord>(schema)
                    .read(null, DecoderFactory.get().jsonDecoder(schema, Files.readString(file)));
            SpecificRecord fromOpsJson =
                    JsonCommands.parse(type, Files.readString(EXAMPLES.resolve(type + ".json")), "not-used");
            assertThat(fromOpsJson).as(type).isEqualTo(fromAvroJson);
            assertThat(JsonCommands.deriveKey(fromOpsJson)).as(type).isEqualTo("crm-user-42");
        }
    }

    @Test
    void anExampleWithAMisspelledFieldIsRefused() throws Exception {
        // Negative control: the comparison above runs through a parser that does refuse a broken example.
        String broken = Files.readString(EXAMPLES.resolve("RoleAssign.json")).replace("\"roleIds\"", "\"roleIdz\"");
        assertThatThrownBy(() -> JsonCommands.parse("RoleAssign", broken, "x"))
                .isInstanceOf(OpsException.class)
                .hasMessageContaining("roleIdz");
    }
}
