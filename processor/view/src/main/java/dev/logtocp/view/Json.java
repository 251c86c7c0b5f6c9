package dev.logtocp.view;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the view's records: the same encoding in its internal topics, its stores and its HTTP answers, so what
 * a store holds is what a client reads. Unknown properties are ignored, so a newer view can read what an older one
 * stored. Thread-safe.
 */
final class Json {
    static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}

    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static <T> Serde<T> serde(Class<T> type) {
        Serializer<T> serializer = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return data == null ? null : bytes(data);
            }
        };
        Deserializer<T> deserializer = new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {}

            @Override
            public T deserialize(String topic, byte[] data) {
                return data == null ? null : read(data, type);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
