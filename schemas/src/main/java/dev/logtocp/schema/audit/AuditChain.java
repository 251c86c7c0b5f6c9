package dev.logtocp.schema.audit;

import dev.logtocp.outcomes.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Hash chain over the audit events of one audit-topic partition: each event carries, in {@code previousHash}, the
 * hash of the event before it in the same partition ({@link #GENESIS} for the first). Deleting, reordering,
 * inserting or altering an event then breaks the link of the event after it, which {@code ops audit verify} finds.
 *
 * <p>The hash of an event is the lowercase hex SHA-256 of its Avro binary encoding under
 * {@link AuditEvent#getClassSchema()}, {@code previousHash} included, so each hash covers the whole chain before
 * it. It is independent of the schema-registry id the event is published under.
 *
 * <p>Part of the audit topic's contract, so it lives beside the {@code AuditEvent} schema: the processor links the
 * events it publishes and the operator CLI verifies them with this one class.
 *
 * <p>Stateless; thread-safe. Keeping the last hash of each partition is the caller's job.
 */
public final class AuditChain {

    /** The previous hash of the first event of a partition: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final SpecificDatumWriter<AuditEvent> WRITER =
            new SpecificDatumWriter<>(AuditEvent.getClassSchema());
    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {}

    /** Lowercase hex SHA-256 of the event's Avro binary encoding, {@code previousHash} included. */
    public static String hash(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            // SpecificDatumWriter.write keeps no per-call state in the writer itself, so one instance is shared.
            WRITER.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode audit event " + event.getEventId(), e);
        }
        return hashEncoded(bytes.toByteArray());
    }

    /**
     * The hash of an event given as its Avro binary datum (a published value without its 5-byte wire header).
     * Equal to {@link #hash} of the decoded event while the event was written with the current schema; a verifier
     * can use it to check events written under an older {@code AuditEvent} schema, whose re-encoding under the
     * current one would differ.
     */
    public static String hashEncoded(byte[] avroDatum) {
        Objects.requireNonNull(avroDatum, "avroDatum");
        return hashEncoded(avroDatum, 0, avroDatum.length);
    }

    /**
     * {@link #hashEncoded(byte[])} of {@code length} bytes from {@code offset}: lets the publisher hash the event it
     * has just serialized (skipping the wire header) instead of encoding it a second time.
     */
    public static String hashEncoded(byte[] bytes, int offset, int length) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(bytes, offset, length);
            return HEX.formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A copy of {@code event} whose {@code previousHash} is {@code previousHash}; the argument is not changed. */
    public static AuditEvent link(AuditEvent event, String previousHash) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(previousHash, "previousHash");
        // A shallow copy: only previousHash changes, and the other values are never modified after creation. The
        // builder's copy constructor would deep-copy every field, which showed up in the publisher's profile.
        AuditEvent linked = new AuditEvent();
        for (Schema.Field field : AuditEvent.getClassSchema().getFields()) {
            linked.put(field.pos(), event.get(field.pos()));
        }
        linked.setPreviousHash(previousHash);
        return linked;
    }
}
