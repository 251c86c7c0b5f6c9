package dev.logtocp.schema.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API
 * ({@code application/vnd.schemaregistry.v1+json}) using {@link HttpClient} and Jackson.
 *
 * <p>Thread-safe: the HTTP client, the Jackson mapper and the caches are all safe for concurrent use.
 * Registered schemas are immutable, so id&rarr;schema and (subject, schema)&rarr;id answers are cached
 * forever; "latest" is never cached because it changes.
 *
 * <p>Several URLs give failover: a retryable failure (I/O, 5xx) moves on to the next URL, and the one that
 * answered becomes the first tried next time. A 4xx answer is final.
 *
 * <p>Basic-auth credentials are sent on every request and never logged or put into exception messages.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger LOGGER = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
            + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final AtomicInteger preferredUrl = new AtomicInteger();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.authorization = config.userInfo()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    }

    /** Builds a client from Confluent-named properties; see {@link RegistryClientConfig#fromProperties}. */
    public static HttpSchemaRegistryClient fromProperties(Map<String, ?> props) {
        return new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(props));
    }

    @Override
    public int register(String subject, Schema schema) {
        Integer cached = subjectCache(subject).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = requireInt(answer, "id");
        remember(subject, schema, id);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(
                    "schema id " + id + " is of type " + type + ", not AVRO",
                    200,
                    SchemaRegistryException.NO_RESPONSE,
                    false,
                    null);
        }
        Schema schema = parse(requireText(answer, "schema"), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public OptionalInt lookup(String subject, Schema schema) {
        Integer cached = subjectCache(subject).get(schema);
        if (cached != null) {
            return OptionalInt.of(cached);
        }
        try {
            JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
            int id = requireInt(answer, "id");
            remember(subject, schema, id);
            return OptionalInt.of(id);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<RegisteredSchema> latest(String subject) {
        JsonNode answer;
        try {
            answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        int id = requireInt(answer, "id");
        Schema schema = schemasById.computeIfAbsent(id, k -> parse(requireText(answer, "schema"), "schema id " + k));
        return Optional.of(new RegisteredSchema(subject, requireInt(answer, "version"), id, schema));
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = send("GET", "/subjects", null);
        List<String> subjects = new ArrayList<>();
        answer.forEach(n -> subjects.add(n.asText()));
        return List.copyOf(subjects);
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "HttpSchemaRegistryClient[" + config + "]";
    }

    private Map<Schema, Integer> subjectCache(String subject) {
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    }

    private void remember(String subject, Schema schema, int id) {
        subjectCache(subject).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        // AVRO is the default type; saying it explicitly is accepted by every registry version.
        body.put("schemaType", "AVRO");
        return body.toString();
    }

    /** Tries each URL in failover order; returns the parsed JSON body of the first 2xx answer. */
    private JsonNode send(String method, String path, String body) {
        List<URI> urls = config.urls();
        int start = Math.floorMod(preferredUrl.get(), urls.size());
        SchemaRegistryException last = null;
        for (int attempt = 0; attempt < urls.size(); attempt++) {
            int index = (start + attempt) % urls.size();
            URI base = urls.get(index);
            try {
                JsonNode answer = sendOnce(base, method, path, body);
                preferredUrl.set(index);
                return answer;
            } catch (SchemaRegistryException e) {
                if (!e.retryable()) {
                    throw e;
                }
                last = e;
                if (urls.size() > 1) {
                    LOGGER.atWarn()
                            .addKeyValue("url", base)
                            .addKeyValue("error", e.getMessage())
                            .log("schema registry failed; trying the next URL");
                }
            }
        }
        throw last;
    }

    private JsonNode sendOnce(URI base, String method, String path, String body) {
        URI uri = URI.create(base + path);
        String where = method + " " + RegistryClientConfig.withoutUserInfo(uri);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(config.requestTimeout()).header("Accept", ACCEPT);
        authorization.ifPresent(a -> request.header("Authorization", a));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    where + " failed: " + e.getClass().getSimpleName(),
                    SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_RESPONSE,
                    true,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    where + " interrupted",
                    SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_RESPONSE,
                    true,
                    e);
        }
        int status = response.statusCode();
        JsonNode json = parseJson(response.body());
        if (status / 100 == 2) {
            if (json == null) {
                throw new SchemaRegistryException(
                        where + " answered " + status + " with a body that is not JSON",
                        status,
                        SchemaRegistryException.NO_RESPONSE,
                        false,
                        null);
            }
            return json;
        }
        int errorCode =
                json != null && json.has("error_code") ? json.get("error_code").asInt(status) : status;
        String message =
                json != null && json.hasNonNull("message") ? json.get("message").asText() : "";
        throw SchemaRegistryException.fromResponse(
                where + " answered " + status + " (error_code " + errorCode + ")"
                        + (message.isEmpty() ? "" : ": " + message),
                status,
                errorCode);
    }

    private static JsonNode parseJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Schema parse(String text, String what) {
        try {
            // A fresh parser per schema: parsers remember names and are not thread-safe.
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "registry returned an unparsable Avro schema for " + what,
                    200,
                    SchemaRegistryException.NO_RESPONSE,
                    false,
                    e);
        }
    }

    private static int requireInt(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "registry answer lacks integer field '" + field + "'",
                    200,
                    SchemaRegistryException.NO_RESPONSE,
                    false,
                    null);
        }
        return value.asInt();
    }

    private static String requireText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException(
                    "registry answer lacks text field '" + field + "'",
                    200,
                    SchemaRegistryException.NO_RESPONSE,
                    false,
                    null);
        }
        return value.asText();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
