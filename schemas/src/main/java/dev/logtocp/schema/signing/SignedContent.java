package dev.logtocp.schema.signing;

import dev.logtocp.schema.wire.WireFormat;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one definition of the bytes a command signature covers, shared by producers ({@link CommandSigner}) and
 * the processor's verifier:
 *
 * <pre>
 *   UTF-8("lcp-sig-v1\n" + topic + "\n") || Avro datum bytes of the record value
 * </pre>
 *
 * <p>The datum bytes are the serialized value without its 5-byte wire header (magic byte and schema id): the
 * same command re-registered under another schema id keeps its signature, while the topic is bound in so a
 * command signed for one topic cannot be replayed onto another. The version prefix lets a future format coexist.
 *
 * <p>Stateless; thread-safe.
 */
public final class SignedContent {

    /** Version prefix of the signed content; changes only with an incompatible new layout. */
    public static final String VERSION = "lcp-sig-v1";

    private SignedContent() {}

    /**
     * The bytes to sign or verify for a record value on {@code topic}.
     *
     * @throws IllegalArgumentException when {@code serializedValue} is shorter than the wire-format header
     */
    public static byte[] of(String topic, byte[] serializedValue) {
        Objects.requireNonNull(topic, "topic");
        if (serializedValue == null || serializedValue.length < WireFormat.HEADER_SIZE) {
            throw new IllegalArgumentException("serialized value of "
                    + (serializedValue == null ? "null" : serializedValue.length + " bytes")
                    + " is shorter than the " + WireFormat.HEADER_SIZE + "-byte wire header");
        }
        byte[] prefix = (VERSION + "\n" + topic + "\n").getBytes(StandardCharsets.UTF_8);
        int datumLength = serializedValue.length - WireFormat.HEADER_SIZE;
        byte[] content = new byte[prefix.length + datumLength];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(serializedValue, WireFormat.HEADER_SIZE, content, prefix.length, datumLength);
        return content;
    }
}
