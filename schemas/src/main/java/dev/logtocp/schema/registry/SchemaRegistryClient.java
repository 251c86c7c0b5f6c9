package dev.logtocp.schema.registry;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API that the wire-format serde needs.
 *
 * <p>Implementations must be safe for concurrent use by any number of threads: one client is shared by
 * every producer/consumer thread of a serde instance. Every method may block on network I/O; none may be
 * called from an event-loop thread.
 *
 * <p>All failures are reported as {@link SchemaRegistryException}, which says whether retrying can help.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} (or finds it if it is already registered there) and
     * returns its global id.
     */
    int register(String subject, Schema schema);

    /** Returns the schema with global id {@code id}; error code 40403 if there is none. */
    Schema schemaById(int id);

    /** Returns the global id of {@code schema} if it is registered under {@code subject}. */
    OptionalInt lookup(String subject, Schema schema);

    /** Returns the latest version registered under {@code subject}, or empty if the subject is unknown. */
    Optional<RegisteredSchema> latest(String subject);

    /** Returns every subject the registry knows. */
    List<String> subjects();

    /** Releases HTTP resources; the default does nothing. */
    @Override
    default void close() {}
}
