package dev.logtocp.processor.config;

/**
 * A configuration value is missing or invalid. The message is one line naming the key and what is allowed, and
 * never contains the offending value when the key holds a secret.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The environment-variable name of the offending setting. */
    public String key() {
        return key;
    }
}
