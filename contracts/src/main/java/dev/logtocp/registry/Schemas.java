package dev.logtocp.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/** Parsing and comparing Avro schema text. Stateless. */
final class Schemas {

    private Schemas() {}

    /** Parses with a fresh parser (parsers keep named types and are not thread-safe). */
    static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    /** Avro's parsing canonical form: two schemas with the same form are the same schema. */
    static String canonical(Schema schema) {
        return SchemaNormalization.toParsingForm(schema);
    }
}
