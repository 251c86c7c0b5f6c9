package dev.logtocp.schema.wire;

/** Constants of the Confluent schema-registry wire format: magic byte 0, 4-byte big-endian id, Avro body. */
public final class WireFormat {
    /** The only magic byte Confluent has ever defined. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}
}
