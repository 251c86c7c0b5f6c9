package dev.logtocp.schema.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject as the registry reports it. Immutable and therefore thread-safe.
 *
 * @param subject the subject name
 * @param version the 1-based version within the subject
 * @param id      the global schema id written into the wire format
 * @param schema  the parsed Avro schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
