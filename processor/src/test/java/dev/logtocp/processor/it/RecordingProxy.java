package dev.logtocp.processor.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logtocp.simulator.FaultPlan;
import dev.logtocp.simulator.FaultRule;
import dev.logtocp.simulator.Mutation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reverse proxy on 127.0.0.1 in front of a real Logto, through which the processor under test sends every request
 * (token endpoint included). It records each request (method, path, status, {@code Idempotency-Key}) and, through
 * {@link LogtoWrites}, the mutations each write made, before the answer goes back, so a test that sees an outcome
 * sees its requests. It also applies a {@link FaultPlan} as the simulator does: an error answer instead of
 * forwarding, a connection reset, latency, or (ambiguous timeout) forwarding and then withholding Logto's answer.
 *
 * <p>Threading: each request runs on its own virtual thread and blocks while Logto answers; the logs are guarded
 * by this object's monitor.
 */
final class RecordingProxy implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RecordingProxy.class);
    /** Headers that belong to one connection, or that the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "transfer-encoding",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "date",
            // Answers stay uncompressed, so that the write log can read them.
            "accept-encoding");

    /** One request as the processor sent it; status 0 when it got no answer (reset, or withheld). */
    record Exchange(long sequence, String method, String path, int status, String idempotencyKey) {}

    private final HttpServer server;
    private final ExecutorService threads;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final FaultPlan faults;
    private final LogtoWrites writes;
    private final List<Exchange> exchanges = new ArrayList<>();
    private final List<Mutation> mutations = new ArrayList<>();
    private final List<HttpExchange> withheld = new ArrayList<>();

    private RecordingProxy(
            HttpServer server, ExecutorService threads, String target, FaultPlan faults, LogtoWrites writes) {
        this.server = server;
        this.threads = threads;
        this.target = target;
        this.faults = faults;
        this.writes = writes;
    }

    /** Starts a proxy to {@code target} (a base URL) on a free loopback port. */
    static RecordingProxy start(String target, FaultPlan faults, LogtoWrites writes) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            RecordingProxy proxy = new RecordingProxy(server, threads, target, faults, writes);
            server.setExecutor(threads);
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("recording proxy could not listen", e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized long requestCount() {
        return exchanges.size();
    }

    synchronized List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    synchronized List<Mutation> mutations() {
        return List.copyOf(mutations);
    }

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            byte[] body = exchange.getRequestBody().readAllBytes();
            FaultPlan.Decision decision = faults.decide(method, path);
            if (decision.delayMillis() > 0) {
                Thread.sleep(decision.delayMillis());
            }
            FaultRule fault = decision.outcome();
            if (fault != null && fault.kind() != FaultRule.Kind.AMBIGUOUS_TIMEOUT) {
                injected(exchange, method, path, key, fault);
                return;
            }
            LogtoWrites.Write write = writes.classify(method, path, uri.getRawQuery(), body);
            Object before = write == null ? null : write.before();
            HttpResponse<byte[]> answer = forward(exchange, method, uri, body);
            List<LogtoWrites.Change> changes =
                    write == null ? List.of() : write.after(before, answer.statusCode(), answer.body());
            boolean withhold = fault != null;
            record(method, path, withhold ? 0 : answer.statusCode(), key, changes);
            if (withhold) {
                // Logto applied it; the processor never hears so and must find out by itself.
                synchronized (this) {
                    withheld.add(exchange);
                }
                return;
            }
            respond(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (IOException | RuntimeException e) {
            LOGGER.warn(
                    "recording proxy failed a request path={} error={}",
                    exchange.getRequestURI().getRawPath(),
                    e.toString());
            exchange.close();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, String method, URI uri, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        target + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void respond(HttpExchange exchange, HttpResponse<byte[]> answer) throws IOException {
        answer.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        send(exchange, answer.statusCode(), answer.body());
    }

    private void injected(HttpExchange exchange, String method, String path, String key, FaultRule fault)
            throws IOException {
        switch (fault.kind()) {
            case ERROR_500 -> {
                record(method, path, 500, key, List.of());
                sendJson(exchange, 500, "{\"message\":\"Internal server error.\"}");
            }
            case ERROR_503 -> {
                record(method, path, 503, key, List.of());
                sendJson(exchange, 503, "{\"message\":\"Service unavailable.\"}");
            }
            case TOO_MANY_REQUESTS -> {
                record(method, path, 429, key, List.of());
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(fault.retryAfterSeconds()));
                sendJson(exchange, 429, "{\"message\":\"Too many requests.\"}");
            }
            default -> {
                // A reset: closing before any header closes the connection.
                record(method, path, 0, key, List.of());
                exchange.close();
            }
        }
    }

    private static void sendJson(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean empty = body == null || body.length == 0;
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private synchronized void record(
            String method, String path, int status, String key, List<LogtoWrites.Change> changes) {
        exchanges.add(new Exchange(exchanges.size() + 1L, method, path, status, key));
        for (LogtoWrites.Change change : changes) {
            mutations.add(new Mutation(mutations.size() + 1L, change.userId(), change.operation(), key, Instant.now()));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        synchronized (this) {
            withheld.forEach(HttpExchange::close);
            withheld.clear();
        }
        threads.shutdownNow();
        http.close();
    }
}
