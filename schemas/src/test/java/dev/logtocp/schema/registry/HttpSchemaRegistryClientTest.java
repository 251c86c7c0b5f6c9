package dev.logtocp.schema.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the HTTP client against a scripted JDK HttpServer standing in for the registry. */
class HttpSchemaRegistryClientTest {

    private static final Schema SCHEMA = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"f\",\"type\":\"int\"}]}");

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void startFakeRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authHeaders.add(auth);
        }
        exchange.getRequestBody().readAllBytes();
        if (failuresLeft.getAndDecrement() > 0) {
            reply(exchange, 503, "{\"error_code\":50301,\"message\":\"busy\"}");
        } else if (path.equals("/subjects/my%20topic-value/versions")) {
            reply(exchange, 200, "{\"id\":42}");
        } else if (path.equals("/schemas/ids/42")) {
            reply(exchange, 200, "{\"schema\":" + quoted(SCHEMA.toString()) + "}");
        } else if (path.equals("/subjects/known/versions/latest")) {
            reply(
                    exchange,
                    200,
                    "{\"subject\":\"known\",\"version\":3,\"id\":42,\"schema\":" + quoted(SCHEMA.toString()) + "}");
        } else if (path.startsWith("/subjects/") && path.endsWith("/versions/latest")) {
            reply(exchange, 404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        } else if (path.startsWith("/subjects/")) {
            reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        } else {
            reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void registersUnderAnEncodedSubjectAndCachesBothDirections() {
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url()))) {
            assertThat(client.register("my topic-value", SCHEMA)).isEqualTo(42);
            assertThat(client.register("my topic-value", SCHEMA)).isEqualTo(42);
            assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
            assertThat(client.lookup("my topic-value", SCHEMA)).hasValue(42);
        }
        assertThat(requests).containsExactly("POST /subjects/my%20topic-value/versions");
    }

    @Test
    void unknownIdIsAPermanentSchemaNotFound() {
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url()))) {
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(7));
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.retryable()).isFalse();
            assertThat(e.isNotFound()).isTrue();
        }
    }

    @Test
    void latestAndLookupReportAbsenceAsEmpty() {
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url()))) {
            assertThat(client.latest("known")).hasValueSatisfying(r -> {
                assertThat(r.version()).isEqualTo(3);
                assertThat(r.id()).isEqualTo(42);
            });
            assertThat(client.latest("unknown")).isEmpty();
            assertThat(client.lookup("unknown", SCHEMA)).isEmpty();
        }
    }

    @Test
    void serverErrorIsRetryableWithTheRegistryErrorCode() {
        failuresLeft.set(1);
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(url()))) {
            SchemaRegistryException e =
                    catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(42));
            assertThat(e.retryable()).isTrue();
            assertThat(e.errorCode()).isEqualTo(50301);
            assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
        }
    }

    @Test
    void failsOverFromADeadUrlToALiveOne() throws IOException {
        String urls = "http://127.0.0.1:" + deadPort() + "," + url();
        try (var client = new HttpSchemaRegistryClient(RegistryClientConfig.of(urls))) {
            assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
        }
    }

    @Test
    void allUrlsDeadIsRetryableAndNamesNoCredentials() throws IOException {
        var client = HttpSchemaRegistryClient.fromProperties(Map.of(
                "schema.registry.url",
                "http://127.0.0.1:" + deadPort(),
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "alice:s3cret"));
        try (client) {
            SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.schemaById(1));
            assertThat(e.retryable()).isTrue();
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(e.getMessage()).doesNotContain("s3cret");
            assertThat(client.toString()).doesNotContain("s3cret");
        }
    }

    @Test
    void sendsBasicAuthWhenConfigured() {
        try (var client = HttpSchemaRegistryClient.fromProperties(Map.of(
                "schema.registry.url",
                url(),
                "basic.auth.credentials.source",
                "USER_INFO",
                "basic.auth.user.info",
                "alice:s3cret"))) {
            client.schemaById(42);
        }
        assertThat(authHeaders).containsExactly("Basic YWxpY2U6czNjcmV0");
    }
}
