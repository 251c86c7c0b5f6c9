package dev.logtocp.schema.wire;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a registry subject is derived from the topic and the record schema, mirroring Confluent's three
 * built-in strategies. Stateless and thread-safe.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (Confluent's default). */
    TOPIC("topic", "io.confluent.kafka.serializers.subject.TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, shared across topics. */
    RECORD("record", "io.confluent.kafka.serializers.subject.RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return recordName(schema);
        }
    },
    /** {@code <topic>-<record full name>}: several record types per topic, each with its own lineage. */
    TOPIC_RECORD("topic-record", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + recordName(schema);
        }
    };

    /** Confluent's property for value subjects. */
    public static final String VALUE_CONFIG = "value.subject.name.strategy";
    /** Confluent's property for key subjects. */
    public static final String KEY_CONFIG = "key.subject.name.strategy";

    private final String shortName;
    private final String confluentClass;

    SubjectNameStrategy(String shortName, String confluentClass) {
        this.shortName = shortName;
        this.confluentClass = confluentClass;
    }

    /** The subject to register / look up {@code schema} under. */
    public abstract String subject(String topic, boolean isKey, Schema schema);

    public String shortName() {
        return shortName;
    }

    public String confluentClassName() {
        return confluentClass;
    }

    /**
     * Accepts a short name ({@code topic}, {@code record}, {@code topic-record}), an enum constant name, or
     * Confluent's class name, so properties written for Confluent's serde work unchanged.
     */
    public static SubjectNameStrategy parse(Object value) {
        if (value == null) {
            return TOPIC;
        }
        String text = value instanceof Class<?> c
                ? c.getName()
                : String.valueOf(value).trim();
        for (SubjectNameStrategy s : values()) {
            if (s.shortName.equalsIgnoreCase(text)
                    || s.name().equalsIgnoreCase(text)
                    || s.confluentClass.equals(text)) {
                return s;
            }
        }
        throw new ConfigException(
                "subject.name.strategy",
                text,
                "expected topic, record, topic-record or a Confluent strategy class name");
    }

    private static String recordName(Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "record-name subject strategies need a record schema, got " + schema.getType());
        }
        return schema.getFullName();
    }

    @Override
    public String toString() {
        return shortName.toLowerCase(Locale.ROOT);
    }
}
