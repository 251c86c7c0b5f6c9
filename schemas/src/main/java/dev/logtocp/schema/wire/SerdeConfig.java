package dev.logtocp.schema.wire;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde settings, read from Confluent's property names so that Confluent's
 * {@code KafkaAvroSerializer}/{@code KafkaAvroDeserializer} can be swapped in with the same properties.
 * Immutable.
 */
record SerdeConfig(
        boolean autoRegister, boolean useLatestVersion, SubjectNameStrategy subjectStrategy, boolean specificReader) {

    static final String AUTO_REGISTER = "auto.register.schemas";
    static final String USE_LATEST_VERSION = "use.latest.version";
    static final String SPECIFIC_READER = "specific.avro.reader";

    static SerdeConfig from(Map<String, ?> props, boolean isKey) {
        return new SerdeConfig(
                bool(props, AUTO_REGISTER, true),
                bool(props, USE_LATEST_VERSION, false),
                SubjectNameStrategy.parse(
                        props.get(isKey ? SubjectNameStrategy.KEY_CONFIG : SubjectNameStrategy.VALUE_CONFIG)),
                // Confluent defaults to false; this project reads generated classes unless told otherwise.
                bool(props, SPECIFIC_READER, true));
    }

    private static boolean bool(Map<String, ?> props, String key, boolean fallback) {
        Object value = props.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (String.valueOf(value).trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, value, "expected true or false");
        };
    }
}
