package dev.logtocp.processor.idempotency;

import dev.logtocp.commands.CommandMeta;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
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
 * <p>Stateless and thread-safe.
 */
public final class PayloadHasher {

    /** Writers are reused per thread: building one resolves the schema, which is most of the cost of a small record. */
    private static final ThreadLocal<java.util.Map<org.apache.avro.Schema, SpecificDatumWriter<SpecificRecord>>> WRITERS =
            ThreadLocal.withInitial(java.util.HashMap::new);

    private PayloadHasher() {
    }

    public static byte[] hash(SpecificRecord command) {
        // A shallow copy suffices: only the meta field is replaced, the other values are read, never changed.
        SpecificRecord copy = (SpecificRecord) SpecificData.get().newRecord(null, command.getSchema());
        for (org.apache.avro.Schema.Field field : command.getSchema().getFields()) {
            copy.put(field.pos(), command.get(field.pos()));
        }
        int metaField = command.getSchema().getField("meta").pos();
        // Also shallow: a fresh meta with the original values, then the per-attempt fields blanked. The builder's
        // copy constructor would deep-copy every field first.
        CommandMeta meta = (CommandMeta) command.get(metaField);
        CommandMeta blanked = new CommandMeta();
        for (org.apache.avro.Schema.Field field : CommandMeta.getClassSchema().getFields()) {
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
            sha256.update(command.getSchema().getFullName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // Encoded straight into the digest: no intermediate buffer to grow and copy.
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(
                    new DigestOutputStream(OutputStream.nullOutputStream(), sha256), null);
            WRITERS.get().computeIfAbsent(command.getSchema(), SpecificDatumWriter::new).write(copy, encoder);
            encoder.flush();
            return sha256.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
