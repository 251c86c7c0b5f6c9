package dev.logtocp.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import dev.logtocp.testkit.KafkaTestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Produces with the project serializer through a real broker and checks the bytes independently of the
 * project's decoding code: header by hand, schema over plain HTTP, body with Avro's GenericDatumReader.
 */
class WireFormatIT {

    static KafkaTestCluster kafka;
    static SchemaRegistryServer registry;
    static Schema schema;

    @BeforeAll
    static void start() throws IOException {
        kafka = KafkaTestCluster.shared();
        registry = SchemaRegistryServer.start(
                RegistryServerConfig.of(kafka.bootstrapServers()).withTopic("_schemas-wire-" + UUID.randomUUID()));
        try (InputStream in = WireFormatIT.class.getResourceAsStream("/wire_sample.avsc")) {
            schema = new Schema.Parser().parse(in);
        }
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void producedBytesAreConfluentWireFormatReadableWithoutProjectCode() throws IOException {
        String topic = "wire-" + UUID.randomUUID();
        kafka.createTopic(topic, 1, Map.of());
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", "cmd-1");
        record.put("amount", 1_234_567_890_123L);
        record.put("labels", Map.of("tenant", "t-1"));
        record.put("comment", "first");

        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put("schema.registry.url", registry.url());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, WireFormatSerializer.class.getName());
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, "k", record)).get();
        } catch (Exception e) {
            throw new AssertionError("produce failed", e);
        }

        List<ConsumerRecord<byte[], byte[]>> consumed = kafka.consumeAll(
                topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), 1, Duration.ofSeconds(20));
        assertThat(consumed).hasSize(1);
        byte[] bytes = consumed.get(0).value();

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        var answer = RegistryHttp.call(registry.url(), "GET", "/schemas/ids/" + id, null);
        assertThat(answer.status()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(answer.body().get("schema").asText());
        assertThat(writer).isEqualTo(schema);
        assertThat(RegistryHttp.call(registry.url(), "GET", "/subjects/" + topic + "-value/versions/latest", null)
                        .body()
                        .get("id")
                        .asInt())
                .isEqualTo(id);

        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer).read(null, decoder);
        assertThat(decoder.isEnd()).isTrue();
        assertThat(decoded.get("id").toString()).isEqualTo("cmd-1");
        assertThat(decoded.get("amount")).isEqualTo(1_234_567_890_123L);
        assertThat(decoded.get("labels").toString()).isEqualTo("{tenant=t-1}");
        assertThat(decoded.get("comment").toString()).isEqualTo("first");

        // And the project deserializer, configured by properties as Kafka would, agrees.
        try (var deserializer = new WireFormatDeserializer()) {
            deserializer.configure(Map.of("schema.registry.url", registry.url()), false);
            assertThat(deserializer.deserialize(topic, bytes).toString()).isEqualTo(record.toString());
        }
    }
}
