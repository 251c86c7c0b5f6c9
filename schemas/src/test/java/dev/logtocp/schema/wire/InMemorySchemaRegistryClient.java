package dev.logtocp.schema.wire;

import dev.logtocp.schema.registry.RegisteredSchema;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import dev.logtocp.schema.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/** Test double: a registry in a map, with a switch to simulate an outage. Thread-safe by synchronization. */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Integer> idByCanonical = new HashMap<>();
    private final Map<String, List<Integer>> versions = new HashMap<>();
    private boolean down;
    private int calls;

    synchronized void setDown(boolean down) {
        this.down = down;
    }

    synchronized int calls() {
        return calls;
    }

    private void check() {
        calls++;
        if (down) {
            throw new SchemaRegistryException("simulated outage", -1, -1, true, null);
        }
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        check();
        String canonical = SchemaNormalization.toParsingForm(schema);
        int id = idByCanonical.computeIfAbsent(canonical, c -> {
            int next = byId.size() + 1;
            byId.put(next, schema);
            return next;
        });
        List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!ids.contains(id)) {
            ids.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        check();
        Schema schema = byId.get(id);
        if (schema == null) {
            throw SchemaRegistryException.fromResponse(
                    "schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        }
        return schema;
    }

    @Override
    public synchronized OptionalInt lookup(String subject, Schema schema) {
        check();
        Integer id = idByCanonical.get(SchemaNormalization.toParsingForm(schema));
        return id != null && versions.getOrDefault(subject, List.of()).contains(id)
                ? OptionalInt.of(id)
                : OptionalInt.empty();
    }

    @Override
    public synchronized Optional<RegisteredSchema> latest(String subject) {
        check();
        List<Integer> ids = versions.get(subject);
        if (ids == null || ids.isEmpty()) {
            return Optional.empty();
        }
        int id = ids.get(ids.size() - 1);
        return Optional.of(new RegisteredSchema(subject, ids.size(), id, byId.get(id)));
    }

    @Override
    public synchronized List<String> subjects() {
        check();
        return List.copyOf(versions.keySet());
    }
}
