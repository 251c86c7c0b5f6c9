package dev.logtocp.processor.idempotency;

import dev.logtocp.commands.CommandMeta;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Fingerprints what a command asks for, so a resubmission of the same intent (new commandId, new issuedAt) is
 * recognised while a different payload under a reused key is not. The envelope fields that legitimately differ
 * between attempts are blanked before hashing; the command type is part of the hash.
 *
 * <p>Fields added to a schema after it was released carry {@value #HASH_WHEN_SET} and count only when they are set:
 * a payload that leaves them at their default hashes exactly as it did under the earlier schema version. Without
 * that, the first resubmission after an upgrade of a command decided before it would no longer match its ledger
 * entry and would be REJECTED {@code idempotency_key_reuse}.
 *
 * <p>Stateless and thread-safe.
 */
public final class PayloadHasher {

    /** Field property marking a field added after the schema's first release (see the class comment). */
    public static final String HASH_WHEN_SET = "lcp.hashWhenSet";

    /** Writers are reused per thread: building one resolves the schema, which is most of the cost of a small record. */
    private static final ThreadLocal<Map<Schema, SpecificDatumWriter<Object>>> WRITERS =
            ThreadLocal.withInitial(HashMap::new);
    /** Per command schema, which fields are always hashed and which only when set; computed once per schema. */
    private static final ConcurrentMap<Schema, HashPlan> PLANS = new ConcurrentHashMap<>();

    private PayloadHasher() {}

    public static byte[] hash(SpecificRecord command) {
        // A shallow copy suffices: only the meta field is replaced, the other values are read, never changed.
        SpecificRecord copy = (SpecificRecord) SpecificData.get().newRecord(null, command.getSchema());
        for (Schema.Field field : command.getSchema().getFields()) {
            copy.put(field.pos(), command.get(field.pos()));
        }
        int metaField = command.getSchema().getField("meta").pos();
        // Also shallow: a fresh meta with the original values, then the per-attempt fields blanked. The builder's
        // copy constructor would deep-copy every field first.
        CommandMeta meta = (CommandMeta) command.get(metaField);
        CommandMeta blanked = new CommandMeta();
        for (Schema.Field field : CommandMeta.getClassSchema().getFields()) {
            blanked.put(field.pos(), meta.get(field.pos()));
        }
        blanked.setCommandId("");
        blanked.setIssuedAt(Instant.EPOCH);
        blanked.setCorrelationId(null);
        blanked.setDeadline(null);
        blanked.setForce(false);
        copy.put(metaField, blanked);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(command.getSchema().getFullName().getBytes(StandardCharsets.UTF_8));
            // Encoded straight into the digest: no intermediate buffer to grow and copy.
            BinaryEncoder encoder = EncoderFactory.get()
                    .directBinaryEncoder(new DigestOutputStream(OutputStream.nullOutputStream(), sha256), null);
            HashPlan plan = PLANS.computeIfAbsent(command.getSchema(), HashPlan::of);
            // The prefix schema lists the released fields at their original positions, so it writes the record as is.
            writer(plan.released()).write(copy, encoder);
            for (Schema.Field added : plan.hashedWhenSet()) {
                Object value = command.get(added.pos());
                if (!Objects.equals(value, SpecificData.get().getDefaultValue(added))) {
                    encoder.writeString(added.name());
                    writer(added.schema()).write(value, encoder);
                }
            }
            encoder.flush();
            return sha256.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    private static SpecificDatumWriter<Object> writer(Schema schema) {
        return WRITERS.get().computeIfAbsent(schema, SpecificDatumWriter::new);
    }

    /**
     * @param released      the schema itself when no field is marked, else a copy holding only the fields before the
     *                      first marked one
     * @param hashedWhenSet the marked fields, which must all come after the released ones and have a default
     */
    record HashPlan(Schema released, List<Schema.Field> hashedWhenSet) {
        static HashPlan of(Schema schema) {
            List<Schema.Field> prefix = new ArrayList<>();
            List<Schema.Field> added = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                boolean marked = Boolean.TRUE.equals(field.getObjectProp(HASH_WHEN_SET));
                if (marked) {
                    if (!field.hasDefaultValue()) {
                        throw new IllegalStateException(schema.getFullName() + "." + field.name() + " is marked "
                                + HASH_WHEN_SET + " but has no default");
                    }
                    added.add(field);
                } else if (!added.isEmpty()) {
                    throw new IllegalStateException(schema.getFullName() + "." + field.name()
                            + " follows a field marked " + HASH_WHEN_SET + "; added fields go at the end");
                } else {
                    prefix.add(new Schema.Field(field, field.schema()));
                }
            }
            if (added.isEmpty()) {
                return new HashPlan(schema, List.of());
            }
            Schema released =
                    Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, prefix);
            return new HashPlan(released, List.copyOf(added));
        }
    }
}
