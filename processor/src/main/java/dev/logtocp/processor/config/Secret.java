package dev.logtocp.processor.config;

import java.util.Objects;

/**
 * A secret value (client secret, password) that cannot leak through {@code toString}, records, logs or exception
 * messages by accident: only {@link #reveal()} returns it, and call sites of {@code reveal} are where it may go.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
