package dev.logtocp.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A deliberately plain HTTP client for the Logto Management API, used by the contract suite and the simulator
 * tests so both speak to a server only through HTTP. Thread-safe (the JDK client is); the cached token is
 * volatile.
 */
public final class ApiClient {

    /** One answer; {@code json()}/{@code array()} parse the body on demand. */
    public record Response(int status, String body, HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }

        /** The Logto error code, or null when the body has none. */
        public String code() {
            if (body == null || !body.startsWith("{")) {
                return null;
            }
            return json().getString("code");
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String endpoint;
    private final String appId;
    private final String appSecret;
    private final String resource;
    private volatile String token;

    public ApiClient(String endpoint, String appId, String appSecret, String resource) {
        this.endpoint = endpoint;
        this.appId = appId;
        this.appSecret = appSecret;
        this.resource = resource;
    }

    /** Requests a token; {@code basic} chooses HTTP Basic client authentication instead of form fields. */
    public Response requestToken(String id, String secret, String forResource, String scope, boolean basic) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("resource", forResource);
        if (scope != null) {
            form.put("scope", scope);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + "/oidc/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (basic) {
            request.header("Authorization", basic(id, secret));
        } else {
            form.put("client_id", id);
            form.put("client_secret", secret);
        }
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public static String basic(String id, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    /** A valid management token (fetched once, then reused). */
    public String token() {
        String current = token;
        if (current == null) {
            Response answer = requestToken(appId, appSecret, resource, "all", true);
            if (answer.status() != 200) {
                throw new IllegalStateException("token request failed: " + answer.status() + " " + answer.body());
            }
            current = answer.json().getString("access_token");
            token = current;
        }
        return current;
    }

    public Response get(String path) {
        return call("GET", path, null);
    }

    public Response delete(String path) {
        return call("DELETE", path, null);
    }

    public Response post(String path, Object json) {
        return call("POST", path, json);
    }

    public Response patch(String path, Object json) {
        return call("PATCH", path, json);
    }

    public Response put(String path, Object json) {
        return call("PUT", path, json);
    }

    /** A call with the cached bearer token and a JSON body (JsonObject/JsonArray, or null for none). */
    public Response call(String method, String path, Object json) {
        return raw(
                method,
                path,
                json == null ? null : json.toString(),
                Map.of("Authorization", "Bearer " + token()),
                Duration.ofSeconds(10));
    }

    /** Full control: raw body (sent as JSON unless a Content-Type header says otherwise), headers, timeout. */
    public Response raw(String method, String path, String body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout);
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(request.build());
    }

    /** Like {@link #raw} but lets transport failures (timeouts, resets) surface as {@link IOException}. */
    public Response rawOrThrow(String method, String path, String body, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(timeout);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers());
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
