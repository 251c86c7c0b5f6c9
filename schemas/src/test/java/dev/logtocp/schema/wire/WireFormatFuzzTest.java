package dev.logtocp.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.logtocp.schema.wire.WireFormatException.Reason;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Throws ~20,000 random and mutated payloads at the deserializer: only WireFormatException may come out. */
class WireFormatFuzzTest {

    private static final int ROUNDS = 20_000;

    @Test
    void randomAndMutatedInputsOnlyEverProduceWireFormatException() {
        var registry = new InMemorySchemaRegistryClient();
        var serializer = new WireFormatSerializer(registry, Map.of(), false);
        var deserializer = new WireFormatDeserializer(registry, Map.of(), false);
        List<byte[]> seeds = List.of(
                serializer.serialize("t", WireFormatSerdeTest.probe("fuzz-seed")),
                serializer.serialize("t", WireFormatSerdeTest.genericRecord()));
        Random random = new Random(20_260_101L);
        Map<Reason, Integer> seen = new EnumMap<>(Reason.class);
        int decoded = 0;

        for (int i = 0; i < ROUNDS; i++) {
            byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                deserializer.deserialize("t", input);
                decoded++;
            } catch (WireFormatException e) {
                assertThat(e.reason()).isNotEqualTo(Reason.REGISTRY_UNAVAILABLE);
                seen.merge(e.reason(), 1, Integer::sum);
            } catch (Throwable t) {
                fail("input #" + i + " " + Arrays.toString(input) + " escaped as " + t, t);
            }
        }

        assertThat(seen).containsKeys(Reason.NOT_WIRE_FORMAT, Reason.UNKNOWN_SCHEMA_ID, Reason.MALFORMED_AVRO);
        assertThat(decoded + seen.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(ROUNDS);
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(48)];
        random.nextBytes(bytes);
        if (bytes.length >= 5 && random.nextBoolean()) {
            // Valid header with a known id, so the random body reaches the Avro decoder.
            bytes[0] = 0;
            bytes[1] = 0;
            bytes[2] = 0;
            bytes[3] = 0;
            bytes[4] = (byte) (1 + random.nextInt(2));
        }
        return bytes;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (random.nextInt(5)) {
                case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 1 -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(8));
                case 2 -> {
                    if (bytes.length > 5) {
                        bytes[5 + random.nextInt(bytes.length - 5)] = (byte) random.nextInt(256);
                    }
                }
                case 3 -> {
                    if (bytes.length > 5) {
                        // Plant a maximal varint, the shape of a huge declared length or count.
                        int at = 5 + random.nextInt(bytes.length - 5);
                        for (int k = at; k < Math.min(bytes.length, at + 5); k++) {
                            bytes[k] = (byte) 0xFE;
                        }
                        bytes[Math.min(bytes.length, at + 5) - 1] = 0x0F;
                    }
                }
                default -> {
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
            }
        }
        return bytes;
    }
}
