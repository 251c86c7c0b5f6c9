package dev.logtocp.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.logtocp.schema.wire.WireFormatException.Reason;
import dev.logtocp.test.WireProbe;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatSerdeTest {

    static final Schema GENERIC_ONLY = new Schema.Parser().parse("""
            {"type":"record","name":"GenericOnly","namespace":"dev.logtocp.test.nogen","fields":[
              {"name":"name","type":"string"},
              {"name":"scores","type":{"type":"array","items":"long"}},
              {"name":"attrs","type":{"type":"map","values":"string"}},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
              {"name":"maybe","type":["null","double"]}
            ]}""");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final WireFormatSerializer serializer = new WireFormatSerializer(registry, Map.of(), false);
    private final WireFormatDeserializer deserializer = new WireFormatDeserializer(registry, Map.of(), false);

    static WireProbe probe(String id) {
        return WireProbe.newBuilder()
                .setId(id)
                .setCount(7)
                .setTags(List.of("a", "b"))
                .setNote("secret-note")
                .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
    }

    static GenericRecord genericRecord() {
        GenericRecord r = new GenericData.Record(GENERIC_ONLY);
        r.put("name", "n");
        r.put("scores", List.of(1L, -2L, 3_000_000_000L));
        r.put("attrs", Map.of("k", "v"));
        r.put("kind", new GenericData.EnumSymbol(GENERIC_ONLY.getField("kind").schema(), "B"));
        r.put("maybe", 2.5d);
        return r;
    }

    @Test
    void specificRecordRoundTripsIntoTheGeneratedClass() {
        byte[] bytes = serializer.serialize("commands", probe("p-1"));

        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(1);
        assertThat(deserializer.deserialize("commands", bytes)).isEqualTo(probe("p-1"));
        assertThat(registry.subjects()).containsExactly("commands-value");
    }

    @Test
    void recordWithoutGeneratedClassDecodesAsGenericRecord() {
        byte[] bytes = serializer.serialize("t", genericRecord());

        Object decoded = deserializer.deserialize("t", bytes);

        assertThat(decoded).isInstanceOf(GenericRecord.class);
        assertThat(decoded.toString()).isEqualTo(genericRecord().toString());
    }

    @Test
    void specificReaderFalseYieldsGenericRecordEvenWhenAClassExists() {
        var generic = new WireFormatDeserializer(registry, Map.of("specific.avro.reader", "false"), false);

        Object decoded = generic.deserialize("t", serializer.serialize("t", probe("p-2")));

        assertThat(decoded).isNotInstanceOf(WireProbe.class).isInstanceOf(GenericRecord.class);
        assertThat(((GenericRecord) decoded).get("id").toString()).isEqualTo("p-2");
    }

    @Test
    void subjectStrategyIsTakenFromConfluentPropertyNames() {
        var record = new WireFormatSerializer(
                registry,
                Map.of("value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"),
                false);
        var key = new WireFormatSerializer(registry, Map.of("key.subject.name.strategy", "record"), true);

        record.serialize("t", probe("x"));
        key.serialize("t", probe("x"));

        assertThat(registry.subjects())
                .containsExactlyInAnyOrder("t-dev.logtocp.test.WireProbe", "dev.logtocp.test.WireProbe");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefused() {
        var strict = new WireFormatSerializer(registry, Map.of("auto.register.schemas", "false"), false);

        assertThatThrownBy(() -> strict.serialize("t", probe("x")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered");

        serializer.serialize("t", probe("x"));
        assertThat(strict.serialize("t", probe("y"))).isNotEmpty();
    }

    @Test
    void useLatestVersionWritesWithTheLatestRegisteredId() {
        serializer.serialize("t", genericRecord());
        int latestId = registry.register("t-value", GENERIC_ONLY);
        var latest = new WireFormatSerializer(
                registry, Map.of("use.latest.version", "true", "auto.register.schemas", "false"), false);

        byte[] bytes = latest.serialize("t", genericRecord());

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
    }

    @Test
    void primitivesAndNullAreSerializedLikeConfluent() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer
                        .deserialize("s", serializer.serialize("s", "hello"))
                        .toString())
                .isEqualTo("hello");
        assertThat(deserializer.deserialize("l", serializer.serialize("l", 42L)))
                .isEqualTo(42L);
    }

    @Test
    void nullPayloadIsNotWireFormat() {
        assertReason(null, Reason.NOT_WIRE_FORMAT);
    }

    @Test
    void payloadShorterThanTheHeaderIsNotWireFormat() {
        assertReason(new byte[] {0, 0, 0, 1}, Reason.NOT_WIRE_FORMAT);
        assertReason(new byte[0], Reason.NOT_WIRE_FORMAT);
    }

    @Test
    void wrongMagicByteIsNotWireFormat() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        bytes[0] = 1;
        assertReason(bytes, Reason.NOT_WIRE_FORMAT);
        assertReason("{\"json\":true}".getBytes(), Reason.NOT_WIRE_FORMAT);
    }

    @Test
    void idTheRegistryDoesNotKnowIsUnknownSchemaId() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        bytes[4] = 99;
        assertReason(bytes, Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void registryOutageIsRetryableAndNotTheRecordsFault() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        var fresh = new WireFormatDeserializer(registry, Map.of(), false);
        registry.setDown(true);

        WireFormatException e = catchWire(fresh, bytes);

        assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        registry.setDown(false);
        assertThat(fresh.deserialize("t", bytes)).isEqualTo(probe("p"));
    }

    @Test
    void registryOutageWhileSerializingIsRetryable() {
        registry.setDown(true);
        assertThatThrownBy(() -> serializer.serialize("t", probe("p")))
                .asInstanceOf(type(WireFormatException.class))
                .satisfies(e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void truncatedDatumIsMalformedAvro() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        for (int cut = 1; cut < bytes.length - 5; cut++) {
            assertReason(Arrays.copyOf(bytes, bytes.length - cut), Reason.MALFORMED_AVRO);
        }
    }

    @Test
    void trailingBytesAfterTheDatumAreMalformedAvro() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        assertReason(Arrays.copyOf(bytes, bytes.length + 1), Reason.MALFORMED_AVRO);
    }

    @Test
    void hugeDeclaredStringLengthFailsFastWithoutAllocating() {
        serializer.serialize("t", probe("p"));
        byte[] hostile = withHeader(1, enc -> enc.writeLong(2_000_000_000L));

        long before = usedHeap();
        long start = System.nanoTime();
        assertReason(hostile, Reason.MALFORMED_AVRO);
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(usedHeap() - before).isLessThan(256L * 1024 * 1024);
    }

    @Test
    void hugeDeclaredArrayCountIsMalformedAvro() {
        serializer.serialize("t", genericRecord());
        byte[] hostile = withHeader(1, enc -> {
            enc.writeString("n");
            enc.writeLong(1L << 40); // "scores" array block count
            enc.writeLong(1);
        });
        assertReason(hostile, Reason.MALFORMED_AVRO);
    }

    @Test
    void negativeLengthIsMalformedAvro() {
        serializer.serialize("t", probe("p"));
        assertReason(withHeader(1, enc -> enc.writeLong(-5)), Reason.MALFORMED_AVRO);
    }

    @Test
    void outOfRangeUnionAndEnumIndexesAreMalformedAvro() {
        serializer.serialize("t", genericRecord());
        assertReason(
                withHeader(1, enc -> {
                    enc.writeString("n");
                    enc.writeArrayStart();
                    enc.writeArrayEnd();
                    enc.writeMapStart();
                    enc.writeMapEnd();
                    enc.writeEnum(9);
                    enc.writeIndex(0);
                }),
                Reason.MALFORMED_AVRO);
        assertReason(
                withHeader(1, enc -> {
                    enc.writeString("n");
                    enc.writeArrayStart();
                    enc.writeArrayEnd();
                    enc.writeMapStart();
                    enc.writeMapEnd();
                    enc.writeEnum(1);
                    enc.writeIndex(7);
                }),
                Reason.MALFORMED_AVRO);
    }

    @Test
    void errorMessagesNeverCarryPayloadContent() {
        byte[] bytes = serializer.serialize("t", probe("p"));
        WireFormatException e = catchWire(deserializer, Arrays.copyOf(bytes, bytes.length - 2));
        assertThat(e.getMessage()).doesNotContain("secret-note").contains("schema id 1");
    }

    interface EncoderBody {
        void write(BinaryEncoder encoder) throws Exception;
    }

    static byte[] withHeader(int id, EncoderBody body) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            body.write(encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private void assertReason(byte[] bytes, Reason reason) {
        WireFormatException e = catchWire(deserializer, bytes);
        assertThat(e.reason()).as("reason").isEqualTo(reason);
        assertThat(e.retryable()).isEqualTo(reason == Reason.REGISTRY_UNAVAILABLE);
    }

    private static WireFormatException catchWire(WireFormatDeserializer d, byte[] bytes) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> d.deserialize("t", bytes));
        assertThat(thrown).isExactlyInstanceOf(WireFormatException.class);
        return (WireFormatException) thrown;
    }
}
