package dev.logtocp.processor.config;

/**
 * Where the health and metrics endpoint listens: {@code HTTP_BIND=host:port} (default {@code 127.0.0.1:0}, a free
 * port on loopback; use {@code 0.0.0.0:8080} in a container). Port -1 disables the endpoint.
 */
public record HttpSettings(String host, int port) {

    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("HTTP_BIND", "needs a host, e.g. 0.0.0.0:8080");
        }
        if (port < -1 || port > 65535) {
            throw new ConfigException("HTTP_BIND", "port must be in [0, 65535], or -1 to disable");
        }
    }

    static HttpSettings parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("HTTP_BIND", "must be host:port, e.g. 0.0.0.0:8080");
        }
        try {
            return new HttpSettings(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new ConfigException("HTTP_BIND", "port must be a number");
        }
    }

    public boolean enabled() {
        return port >= 0;
    }
}
