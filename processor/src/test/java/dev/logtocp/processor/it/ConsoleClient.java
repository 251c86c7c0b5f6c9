package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;

import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.simulator.FaultRule;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Calls the processor's operator console the way its page does (JSON API, server-sent events), for the console
 * tests and the secret canary test. Every answer it receives is kept in {@link #seen} so a test can search them all.
 */
final class ConsoleClient implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ProcessorStack stack;
    /** Every response body this client received, page, script and API alike. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    private final List<Stream<String>> streams = new CopyOnWriteArrayList<>();

    ConsoleClient(ProcessorStack stack) {
        this.stack = stack;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + stack.processor.httpPort() + path);
    }

    HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        seen.add(r.body());
        return r;
    }

    JsonObject getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body());
    }

    /** POST with a JSON body and, when {@code authorization} is not null, that Authorization header. */
    HttpResponse<String> post(String path, JsonObject body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        seen.add(r.body());
        return r;
    }

    /** Opens the live outcome stream; its lines arrive in the returned list until {@link #close}. */
    List<String> liveOutcomes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> r = HTTP.send(
                HttpRequest.newBuilder(uri("/console/api/outcomes")).build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError("the outcome stream answered " + r.statusCode());
        }
        Stream<String> stream = r.body();
        streams.add(stream);
        Thread reader = new Thread(
                () -> {
                    try {
                        stream.forEach(line -> {
                            lines.add(line);
                            seen.add(line);
                        });
                    } catch (RuntimeException e) {
                        // closed by the test
                    }
                },
                "console-sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /**
     * Makes a RetriesExhausted dead letter: UserCreate while Logto answers 503 to every user creation, with the
     * stack's MAX_ATTEMPTS. Returns the command id; faults are cleared afterwards.
     */
    static String retriesExhaustedDeadLetter(ProcessorStack stack, String username, String password, String key) {
        stack.logto.faults().add(FaultRule.error503(1.0).onPath("^/api/users$").onMethod("POST"));
        try {
            UserCreate.Builder create =
                    UserCreate.newBuilder().setMeta(meta(key)).setUsername(username);
            if (password != null) {
                create.setPassword(password);
            }
            String id = stack.send(username, create.build());
            CommandOutcome outcome = stack.awaitOutcome(id);
            if (!"retries_exhausted".equals(outcome.getErrorCode())) {
                throw new AssertionError("expected retries_exhausted, got " + outcome);
            }
            return id;
        } finally {
            stack.logto.faults().clear();
        }
    }

    /** Waits up to 30 s for a dead letter whose key is {@code key}; returns its summary from the console. */
    JsonObject awaitDeadLetter(String key) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            for (Object o : getJson("/console/api/dead-letters?limit=500").getJsonArray("items")) {
                JsonObject d = (JsonObject) o;
                if (key.equals(d.getString("key"))) {
                    return d;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no dead letter with key " + key + " within 30 s");
    }

    @Override
    public void close() {
        streams.forEach(Stream::close);
    }
}
