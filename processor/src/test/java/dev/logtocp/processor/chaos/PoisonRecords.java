package dev.logtocp.processor.chaos;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Records a producer might write by mistake or malice, each of which must end up in the dead-letter topic exactly
 * once, with its original bytes, and never stop the processor. Each carries a key naming its kind and number so
 * the dead-letter topic can be matched against what was planted.
 */
final class PoisonRecords {
    /** Larger than the run's {@code MAX_COMMAND_BYTES}. */
    static final int OVERSIZED_BYTES = 100 * 1024;

    static final int UNKNOWN_SCHEMA_ID = 999_999;

    /** What was planted, and the {@code dlq.error.class} the processor should give it. */
    enum Kind {
        RANDOM_BYTES("NOT_WIRE_FORMAT"),
        WRONG_MAGIC("NOT_WIRE_FORMAT"),
        UNKNOWN_SCHEMA("UNKNOWN_SCHEMA_ID"),
        TRUNCATED_AVRO("MALFORMED_AVRO"),
        OVERSIZED("OversizedRecord");

        final String errorClass;

        Kind(String errorClass) {
            this.errorClass = errorClass;
        }
    }

    /** One planted record; {@code partition} and {@code offset} are filled in once Kafka acknowledged it. */
    record Poison(Kind kind, String key, byte[] value) {}

    private PoisonRecords() {}

    /**
     * {@code perKind} records of every kind. {@code validCommand} turns a unique name into the wire-format bytes of
     * a valid command, used as the raw material for the damaged kinds; those names must never reach Logto.
     */
    static List<Poison> plant(String runId, int perKind, Function<String, byte[]> validCommand, long seed) {
        Random random = new Random(seed);
        List<Poison> out = new ArrayList<>();
        for (int n = 0; n < perKind; n++) {
            for (Kind kind : Kind.values()) {
                String key = "poison-" + runId + "-" + kind.name().toLowerCase() + "-" + n;
                byte[] valid =
                        validCommand.apply("poison_" + runId + "_" + kind.name().toLowerCase() + "_" + n);
                out.add(new Poison(kind, key, bytes(kind, valid, random)));
            }
        }
        return out;
    }

    private static byte[] bytes(Kind kind, byte[] valid, Random random) {
        return switch (kind) {
            case RANDOM_BYTES -> {
                byte[] b = new byte[16 + random.nextInt(200)];
                random.nextBytes(b);
                // A leading 0 would make it look like the wire format with a random schema id: keep the kind pure.
                b[0] = (byte) (1 + random.nextInt(255));
                yield b;
            }
            case WRONG_MAGIC -> {
                byte[] b = valid.clone();
                b[0] = 1;
                yield b;
            }
            case UNKNOWN_SCHEMA -> {
                byte[] b = valid.clone();
                ByteBuffer.wrap(b, 1, 4).putInt(UNKNOWN_SCHEMA_ID);
                yield b;
            }
            // Half the body is gone: the decoder runs out of bytes inside the datum.
            case TRUNCATED_AVRO -> Arrays.copyOf(valid, 5 + (valid.length - 5) / 2);
            case OVERSIZED -> {
                byte[] b = Arrays.copyOf(valid, OVERSIZED_BYTES);
                yield b;
            }
        };
    }
}
