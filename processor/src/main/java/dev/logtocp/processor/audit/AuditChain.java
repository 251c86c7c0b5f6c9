package dev.logtocp.processor.audit;

import dev.logtocp.outcomes.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
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
 * <p>Stateless; thread-safe. Keeping the last hash of each partition is the caller's job.
 */
public final class AuditChain {

    /** The previous hash of the first event of a partition: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    private static final SpecificDatumWriter<AuditEvent> WRITER = new SpecificDatumWriter<>(AuditEvent.getClassSchema());
    private static final HexFormat HEX = HexFormat.of();

    private AuditChain() {
    }

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
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(avroDatum));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A copy of {@code event} whose {@code previousHash} is {@code previousHash}; the argument is not changed. */
    public static AuditEvent link(AuditEvent event, String previousHash) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(previousHash, "previousHash");
        return AuditEvent.newBuilder(event).setPreviousHash(previousHash).build();
    }
}
