package dev.logtocp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The schemas are the producers' documentation: every record and field must say what it is. */
class SchemaDocumentationTest {
    /** Every command schema, found in {@code src/main/avro} (a record whose first field is the meta), not a hand list. */
    private static final List<Schema> COMMANDS = ProducerKit.commands(Path.of(System.getProperty("user.dir")));

    private static final List<Schema> PUBLISHED = java.util.stream.Stream.concat(
                    COMMANDS.stream(),
                    java.util.stream.Stream.of(
                            CommandOutcome.getClassSchema(),
                            AuditEvent.getClassSchema(),
                            dev.logtocp.internal.LedgerEntry.getClassSchema(),
                            dev.logtocp.internal.UserReference.getClassSchema()))
            .toList();

    @Test
    void everyRecordAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        PUBLISHED.forEach(s -> collect(s, undocumented, seen));
        assertThat(undocumented).isEmpty();
        assertThat(seen).contains("dev.logtocp.commands.CommandMeta", "dev.logtocp.outcomes.SourcePosition");
    }

    @Test
    void everyCommandStartsWithItsMeta() {
        for (Schema s : COMMANDS) {
            assertThat(s.getFields().get(0).name()).isEqualTo("meta");
            assertThat(s.getFields().get(0).schema().getFullName()).isEqualTo("dev.logtocp.commands.CommandMeta");
        }
    }

    private static void collect(Schema schema, List<String> undocumented, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field f : schema.getFields()) {
                    if (blank(f.doc())) {
                        undocumented.add(schema.getFullName() + "." + f.name());
                    }
                    collect(f.schema(), undocumented, seen);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> collect(t, undocumented, seen));
            case ARRAY -> collect(schema.getElementType(), undocumented, seen);
            case MAP -> collect(schema.getValueType(), undocumented, seen);
            case ENUM -> {
                if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            default -> {}
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
