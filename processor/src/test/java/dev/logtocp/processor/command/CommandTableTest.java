package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * {@link HandlerRegistry#standard} is the one list of commands: every command schema has a handler there, and every
 * command there has a row in the README's command table. Adding a command without either fails here.
 */
class CommandTableTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final List<String> HANDLED = HandlerRegistry.standard(RecipientKeys.none()).commandTypes().stream()
            .map(Class::getSimpleName)
            .toList();

    /** Records in schemas/src/main/avro whose first field is the command meta. */
    private static List<String> commandSchemas() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("schemas/src/main/avro"))) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                Schema schema = SpecificData.get().getSchema(classOf(file));
                if (!schema.getFields().isEmpty()
                        && schema.getFields().get(0).name().equals("meta")) {
                    out.add(schema.getName());
                }
            }
        }
        return out;
    }

    private static Class<?> classOf(Path avsc) {
        String name = avsc.getFileName().toString().replace(".avsc", "");
        for (String namespace : List.of("dev.logtocp.commands", "dev.logtocp.outcomes", "dev.logtocp.internal")) {
            try {
                return Class.forName(namespace + "." + name);
            } catch (ClassNotFoundException e) {
                // try the next namespace
            }
        }
        throw new AssertionError("no generated class for " + avsc);
    }

    private static boolean hasReadmeRow(String readme, String command) {
        return Pattern.compile("^\\| `" + command + "`[ |(]", Pattern.MULTILINE)
                .matcher(readme)
                .find();
    }

    @Test
    void everyCommandSchemaHasAHandler() throws IOException {
        List<String> schemas = commandSchemas();
        assertThat(schemas).hasSizeGreaterThanOrEqualTo(30);
        assertThat(HANDLED).containsExactlyInAnyOrderElementsOf(schemas);
    }

    @Test
    void everyCommandHasARowInTheReadmesCommandTable() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(HANDLED)
                .allSatisfy(command ->
                        assertThat(hasReadmeRow(readme, command)).as(command).isTrue());
        assertThat(hasReadmeRow(readme, "NoSuchCommand"))
                .as("the row matcher can fail")
                .isFalse();
    }
}
