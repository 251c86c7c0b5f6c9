package dev.logtocp.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The producer kit in {@code schemas/producer-kit} is exactly what {@link ProducerKit} generates from the schemas,
 * its schemas stand alone, and its Avro JSON examples decode to their commands.
 */
class ProducerKitTest {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path KIT = ProducerKit.directory(MODULE);
    private static final String REGENERATE = "the producer kit is out of date; regenerate it with "
            + "mvn -pl schemas -am test -Dtest=ProducerKitTest -DproducerKit.write=true -Dsurefire.failIfNoSpecifiedTests=false";

    @Test
    void theCommittedKitIsWhatTheSchemasGenerate() throws IOException {
        if (Boolean.getBoolean("producerKit.write")) {
            ProducerKit.write(MODULE);
        }
        Map<String, String> expected = ProducerKit.files(MODULE);
        assertThat(differences(expected, KIT)).as(REGENERATE).isEmpty();
        assertThat(expected.keySet().stream().filter(p -> p.startsWith("examples/") && p.endsWith(".avro.json")))
                .hasSize(ProducerKit.commands(MODULE).size())
                .hasSizeGreaterThanOrEqualTo(25);
    }

    @Test
    void aChangedOrMissingFileIsNoticed() throws IOException {
        // Negative control for the check above: the comparison does see a changed value and a missing file.
        Map<String, String> expected = new java.util.TreeMap<>(ProducerKit.files(MODULE));
        expected.put(
                "examples/UserCreate.json",
                expected.get("examples/UserCreate.json").replace("alice", "mallory"));
        expected.put("examples/NoSuchCommand.json", "{}\n");
        assertThat(differences(expected, KIT))
                .containsExactly("examples/NoSuchCommand.json", "examples/UserCreate.json");
    }

    /** Paths whose content differs, plus files present on one side only. */
    private static List<String> differences(Map<String, String> expected, Path kit) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path p = kit.resolve(e.getKey());
            if (!Files.exists(p) || !Files.readString(p).equals(e.getValue())) {
                out.add(e.getKey());
            }
        }
        for (String sub : List.of("avro", "examples")) {
            if (Files.isDirectory(kit.resolve(sub))) {
                try (Stream<Path> files = Files.list(kit.resolve(sub))) {
                    files.map(p -> sub + "/" + p.getFileName())
                            .filter(p -> !expected.containsKey(p))
                            .forEach(out::add);
                }
            }
        }
        return new ArrayList<>(out);
    }

    @Test
    void everyBundledSchemaStandsAloneAndIsTheClassSchema() throws Exception {
        try (Stream<Path> files = Files.list(KIT.resolve("avro"))) {
            for (Path file : files.toList()) {
                // A fresh parser knows no other schema: every named type must be written inside the file.
                Schema parsed = new Schema.Parser().parse(file.toFile());
                Schema generated = SpecificData.get().getSchema(Class.forName(parsed.getFullName()));
                assertThat(SchemaNormalization.parsingFingerprint64(parsed))
                        .as(file.toString())
                        .isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
                assertThat(parsed.getDoc()).isEqualTo(generated.getDoc());
            }
        }
    }

    @Test
    void everyAvroJsonExampleDecodesToItsCommand() throws Exception {
        for (Schema command : ProducerKit.commands(MODULE)) {
            String json = Files.readString(KIT.resolve("examples/" + command.getName() + ".avro.json"));
            SpecificRecord decoded = decode(command, json);
            assertThat(decoded).isEqualTo(ProducerKit.example(command));
            assertThat(decoded.get(0).toString())
                    .contains("\"issuer\": \"crm\"", "\"idempotencyKey\": \"example-" + command.getName());
        }
    }

    @Test
    void anAvroJsonExampleWithoutARequiredFieldDoesNotDecode() throws Exception {
        // Negative control: the decoding check is strict, a broken example fails it.
        Schema command = SpecificData.get().getSchema(Class.forName("dev.logtocp.commands.RoleAssign"));
        String json =
                Files.readString(KIT.resolve("examples/RoleAssign.avro.json")).replace("\"roleIds\"", "\"roleIdz\"");
        assertThatThrownBy(() -> decode(command, json)).isInstanceOf(AvroTypeException.class);
    }

    static SpecificRecord decode(Schema schema, String json) throws IOException {
        return new SpecificDatumReader<SpecificRecord>(schema)
                .read(null, DecoderFactory.get().jsonDecoder(schema, json));
    }
}
