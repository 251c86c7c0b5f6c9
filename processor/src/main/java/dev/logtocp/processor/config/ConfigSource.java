package dev.logtocp.processor.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Raw settings from environment variables and an optional properties file, with typed, validating accessors.
 *
 * <p>Every setting has one canonical name in environment-variable form ({@code LOGTO_ENDPOINT}); the properties
 * file may use either that name or its dotted lower-case form ({@code logto.endpoint}). The environment wins over
 * the file so that a deployment can override one value without editing the file. A key ending in {@code _FILE}
 * names a file whose trimmed content is the value, so secrets can come from mounted files instead of the
 * environment.
 */
public final class ConfigSource {
    private final Map<String, String> values;

    private ConfigSource(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static ConfigSource of(Map<String, String> environment, Optional<Path> propertiesFile) {
        Map<String, String> merged = new HashMap<>();
        propertiesFile.ifPresent(path -> readProperties(path).forEach((k, v) -> merged.put(canonical(k), v)));
        environment.forEach((k, v) -> merged.put(canonical(k), v));
        return new ConfigSource(merged);
    }

    public static ConfigSource of(Map<String, String> values) {
        return of(values, Optional.empty());
    }

    /** {@code logto.endpoint} and {@code LOGTO_ENDPOINT} both become {@code LOGTO_ENDPOINT}. */
    static String canonical(String key) {
        return key.trim().replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException(
                    "CONFIG_FILE", "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> out = new HashMap<>();
        properties.forEach((k, v) -> out.put(k.toString(), v.toString()));
        return Map.copyOf(out);
    }

    public Optional<String> optional(String key) {
        String direct = values.get(key);
        if (direct != null && !direct.isBlank()) {
            return Optional.of(direct.trim());
        }
        String file = values.get(key + "_FILE");
        if (file != null && !file.isBlank()) {
            try {
                return Optional.of(Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8)
                        .trim());
            } catch (IOException e) {
                throw new ConfigException(
                        key + "_FILE",
                        "cannot read the file it names (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Optional.empty();
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key, "is required"));
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return parse(
                key,
                defaultValue,
                Integer::parseInt,
                v -> v >= min && v <= max,
                "an integer in [" + min + ", " + max + "]");
    }

    public long longValue(String key, long defaultValue, long min, long max) {
        return parse(
                key,
                defaultValue,
                Long::parseLong,
                v -> v >= min && v <= max,
                "an integer in [" + min + ", " + max + "]");
    }

    public Duration millis(String key, Duration defaultValue, Duration min, Duration max) {
        long ms = longValue(key, defaultValue.toMillis(), min.toMillis(), max.toMillis());
        return Duration.ofMillis(ms);
    }

    public boolean bool(String key, boolean defaultValue) {
        return parse(
                key,
                defaultValue,
                v -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1" -> true;
                    case "false", "no", "0" -> false;
                    default -> throw new IllegalArgumentException();
                },
                v -> true,
                "true or false");
    }

    public List<String> list(String key, List<String> defaultValue) {
        return optional(key)
                .map(v -> List.of(v.split("\\s*,\\s*")).stream()
                        .filter(s -> !s.isBlank())
                        .toList())
                .orElse(defaultValue);
    }

    /** Every key starting with {@code prefix}, with the prefix removed and turned into a dotted lower-case name. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return Map.copyOf(out);
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser, Predicate<T> valid, String allowed) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        T value;
        try {
            value = parser.apply(raw.get());
        } catch (RuntimeException e) {
            throw new ConfigException(key, "must be " + allowed + ", got '" + raw.get() + "'");
        }
        if (!valid.test(value)) {
            throw new ConfigException(key, "must be " + allowed + ", got '" + raw.get() + "'");
        }
        return value;
    }
}
