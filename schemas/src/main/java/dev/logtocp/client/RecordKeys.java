package dev.logtocp.client;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * The record key a command should be published with. Kafka orders records only within a partition and the
 * processor runs the commands of one key one at a time, in offset order; so every command about one user must
 * carry the same key. The rule, shared by {@link CommandClient} and {@code ops send}:
 *
 * <ul>
 *   <li>a command with a {@code user} reference: the reference's value;</li>
 *   <li>a {@code UserCreate}: its {@code externalId} (later commands can then target the user by
 *       {@code EXTERNAL_ID} and share the key), else its {@code username}, else its {@code primaryEmail}.</li>
 * </ul>
 * A producer that targets one user through several kinds of reference (an id here, a username there) must choose
 * one key for that user itself and pass it explicitly. Stateless.
 */
public final class RecordKeys {

    private static final List<String> CREATE_KEY_FIELDS = List.of("externalId", "username", "primaryEmail");

    private RecordKeys() {}

    /** The key for {@code command}, or empty when the command names no user this rule can key by. */
    public static Optional<String> of(SpecificRecord command) {
        Schema schema = command.getSchema();
        Schema.Field user = schema.getField("user");
        if (user != null && command.get(user.pos()) instanceof GenericRecord ref && ref.get("value") != null) {
            return Optional.of(ref.get("value").toString());
        }
        for (String name : CREATE_KEY_FIELDS) {
            Schema.Field f = schema.getField(name);
            if (f != null && command.get(f.pos()) != null) {
                return Optional.of(command.get(f.pos()).toString());
            }
        }
        return Optional.empty();
    }
}
