package dev.logtocp.processor.it;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the status and history view service (another branch builds it) with its documented answer to
 * {@code GET /users/{ref}/history}: a {@code HistoryPage} of two entries for any ref, 404 for the ref {@code nobody}.
 * Records the request URIs it got. Loopback only.
 */
final class FakeHistoryView implements AutoCloseable {
    final List<URI> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeHistoryView() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/users/", exchange -> {
            requests.add(exchange.getRequestURI());
            String path = exchange.getRequestURI().getPath();
            String ref = path.substring("/users/".length(), path.length() - "/history".length());
            JsonObject body;
            int status;
            if (ref.equals("nobody")) {
                status = 404;
                body = new JsonObject().put("error", "no history for this user");
            } else {
                status = 200;
                body = new JsonObject()
                        .put("ref", ref)
                        .put("by", "key")
                        .put("order", "asc")
                        .put("total", 2)
                        .put(
                                "entries",
                                new JsonArray()
                                        .add(entry(1, ref, "UserCreate", "SUCCEEDED", "user.create"))
                                        .add(entry(2, ref, "RoleAssign", "FAILED", "role.assign")))
                        .putNull("nextCursor");
            }
            byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private static JsonObject entry(long seq, String ref, String type, String status, String action) {
        return new JsonObject()
                .put("seq", seq)
                .put("commandId", "cmd-" + seq)
                .put("commandType", type)
                .put("issuer", "history-it")
                .put("idempotencyKey", "key-" + seq)
                .put("recordKey", ref)
                .put(
                        "source",
                        new JsonObject()
                                .put("topic", "logto.commands")
                                .put("partition", 0)
                                .put("offset", seq))
                .put(
                        "outcome",
                        new JsonObject()
                                .put("status", status)
                                .put("userId", "u-" + ref)
                                .put("errorCode", status.equals("FAILED") ? "role_not_found" : null)
                                .put("attempts", 1)
                                .put("completedAt", "2026-12-01T10:00:0" + seq + "Z"))
                .put(
                        "audit",
                        new JsonObject()
                                .put("action", action)
                                .put("changedFields", new JsonArray().add("roles"))
                                .put("occurredAt", "2026-12-01T10:00:0" + seq + "Z"));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
