package dev.logtocp.processor.logto;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The two calls command handlers make on Logto's Management API: a read and a write. {@link LogtoClient} makes
 * them over HTTP; handlers see only this, so they can be tested against a scripted Logto without a server.
 *
 * <p>Every answer, whatever its status, is a succeeded future carrying the {@link LogtoResponse}: what a status means
 * is the caller's decision. A failed future means no answer came (transport, capacity, fencing, credentials).
 * Called on the event loop; never blocks.
 */
public interface LogtoCalls {

    /** A read: GET with query parameters. */
    Future<LogtoResponse> get(String operation, String path, Map<String, String> query);

    /**
     * A write. {@code idempotencyKey} is mandatory: a write without one is a programming error.
     *
     * @param query query parameters, or null for none
     * @param body  JSON body, or null for none
     */
    Future<LogtoResponse> write(
            String operation,
            HttpMethod method,
            String path,
            Map<String, String> query,
            JsonObject body,
            String idempotencyKey);
}
