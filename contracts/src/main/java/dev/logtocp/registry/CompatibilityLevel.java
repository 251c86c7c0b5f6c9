package dev.logtocp.registry;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}. BACKWARD: the new
 * schema can read data written with the old one; FORWARD: the old can read the new; FULL: both. The plain
 * levels look at the latest version only, the {@code _TRANSITIVE} ones at every version. Stateless.
 */
enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    static final CompatibilityLevel DEFAULT = BACKWARD;

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    static CompatibilityLevel parse(String text) {
        if (text == null) {
            throw RegistryError.invalidCompatibility("null");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryError.invalidCompatibility(text);
        }
    }

    /**
     * Checks {@code candidate} against {@code previous} (oldest first). Returns a description of the first
     * incompatibility, or empty when compatible.
     */
    Optional<String> violation(Schema candidate, List<Schema> previous) {
        if (previous.isEmpty() || this == NONE) {
            return Optional.empty();
        }
        List<Schema> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
        for (Schema old : against) {
            if (newReadsOld) {
                Optional<String> problem =
                        check(candidate, old, "new schema cannot read data written with an " + "earlier one");
                if (problem.isPresent()) {
                    return problem;
                }
            }
            if (oldReadsNew) {
                Optional<String> problem =
                        check(old, candidate, "an earlier schema cannot read data written " + "with the new one");
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> check(Schema reader, Schema writer, String summary) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return Optional.empty();
        }
        String detail = result.getIncompatibilities().stream()
                .findFirst()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .orElse("");
        return Optional.of(summary + (detail.isEmpty() ? "" : ": " + detail));
    }
}
