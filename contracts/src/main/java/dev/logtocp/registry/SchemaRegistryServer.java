package dev.logtocp.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry (the REST subset producers, consumers and this project use),
 * AVRO only, persisted in a compacted Kafka topic so that ids survive restarts.
 *
 * <p>Endpoints: {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}}, {@code GET /subjects},
 * {@code GET /subjects/{s}/versions}, {@code GET /subjects/{s}/versions/{v|latest}},
 * {@code GET /schemas/ids/{id}}, {@code GET /schemas/ids/{id}/versions},
 * {@code POST /compatibility/subjects/{s}/versions/{v|latest}}, {@code GET|PUT /config},
 * {@code GET|PUT /config/{s}}. Errors are {@code {"error_code", "message"}} with Confluent's codes.
 * Deletes, schema references and non-AVRO types are not supported.
 *
 * <p>Threading: HTTP runs on a private Vert.x instance; every request is handled on a worker thread under
 * one lock, so registrations are serialized and each is written to Kafka (acks=all, idempotent, waited for)
 * before it is answered. {@link #start} blocks; call it from a non-event-loop thread. Single writer: run one
 * instance per topic (there is no leader election).
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaRegistryServer.class);
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Object lock = new Object();
    private final RegistryState state;
    private final SchemaLog log;
    private final Vertx vertx;
    private final HttpServer http;
    private final String host;

    private SchemaRegistryServer(RegistryServerConfig config) {
        this.state = new RegistryState();
        this.log = SchemaLog.open(config, state);
        this.host = config.host();
        this.vertx = Vertx.vertx();
        try {
            this.http = vertx.createHttpServer(
                            new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                    .requestHandler(router())
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly();
            throw new IllegalStateException(
                    "schema registry could not listen on " + config.host() + ":" + config.port(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new IllegalStateException("interrupted starting schema registry", e);
        }
    }

    /** Restores state from the topic, then listens; returns once both are done. */
    public static SchemaRegistryServer start(RegistryServerConfig config) {
        SchemaRegistryServer server = new SchemaRegistryServer(config);
        LOGGER.atInfo().addKeyValue("url", server.url()).log("schema registry listening");
        return server;
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port();
    }

    public int port() {
        return http.actualPort();
    }

    @Override
    public void close() {
        try {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOGGER.atWarn().addKeyValue("error", e.toString()).log("schema registry HTTP server did not close cleanly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOGGER.atWarn().addKeyValue("error", e.toString()).log("Vert.x did not close cleanly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            log.close();
        }
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(16L * 1024 * 1024));
        router.post("/subjects/:subject/versions").blockingHandler(handle(this::register), false);
        router.post("/subjects/:subject").blockingHandler(handle(this::lookup), false);
        router.get("/subjects").blockingHandler(handle(ctx -> array(state.subjects())), false);
        router.get("/subjects/:subject/versions").blockingHandler(handle(this::listVersions), false);
        router.get("/subjects/:subject/versions/:version").blockingHandler(handle(this::getVersion), false);
        router.get("/schemas/ids/:id").blockingHandler(handle(this::getSchema), false);
        router.get("/schemas/ids/:id/versions").blockingHandler(handle(this::getSchemaUsages), false);
        router.post("/compatibility/subjects/:subject/versions/:version")
                .blockingHandler(handle(this::checkCompatibility), false);
        router.get("/config")
                .blockingHandler(handle(ctx -> levelNode("compatibilityLevel", state.globalLevel())), false);
        router.put("/config").blockingHandler(handle(ctx -> putConfig(ctx, null)), false);
        router.get("/config/:subject").blockingHandler(handle(this::getSubjectConfig), false);
        router.put("/config/:subject").blockingHandler(handle(ctx -> putConfig(ctx, ctx.pathParam("subject"))), false);
        router.route().last().handler(ctx -> reply(ctx, 404, error(404, "HTTP 404 Not Found")));
        return router;
    }

    /** Runs a handler under the lock and turns its result or refusal into a JSON answer. */
    private Handler<RoutingContext> handle(Function<RoutingContext, JsonNode> body) {
        return ctx -> {
            try {
                JsonNode answer;
                synchronized (lock) {
                    answer = body.apply(ctx);
                }
                reply(ctx, 200, answer);
            } catch (RegistryError e) {
                reply(ctx, e.status(), error(e.errorCode(), e.getMessage()));
            } catch (RuntimeException e) {
                LOGGER.atError()
                        .addKeyValue("method", ctx.request().method())
                        .addKeyValue("path", ctx.request().path())
                        .setCause(e)
                        .log("schema registry request failed");
                reply(ctx, 500, error(50001, "Internal error: " + e.getClass().getSimpleName()));
            }
        };
    }

    private JsonNode register(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        Schema schema = schemaFromBody(ctx);
        String text = schema.toString();
        String canonical = Schemas.canonical(schema);
        List<RegistryState.Version> versions = state.versions(subject);
        for (RegistryState.Version v : versions) {
            if (state.byId(v.id()).orElseThrow().canonical().equals(canonical)) {
                return JSON.createObjectNode().put("id", v.id());
            }
        }
        Optional<String> violation = state.effectiveLevel(subject).violation(schema, schemasOf(versions));
        if (violation.isPresent()) {
            throw RegistryError.incompatible(subject, violation.get());
        }
        int id = state.idOf(canonical).orElseGet(state::nextId);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        // A schema already known under another id keeps its first text, so GET /schemas/ids is stable.
        String storedText = state.byId(id).map(RegistryState.Stored::text).orElse(text);
        log.appendSchema(subject, version, id, storedText);
        state.applySchema(subject, version, id, storedText, canonical);
        return JSON.createObjectNode().put("id", id);
    }

    private JsonNode lookup(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        Schema schema = schemaFromBody(ctx);
        List<RegistryState.Version> versions = existingVersions(subject);
        String canonical = Schemas.canonical(schema);
        return versions.stream()
                .filter(v -> state.byId(v.id()).orElseThrow().canonical().equals(canonical))
                .findFirst()
                .map(this::versionNode)
                .orElseThrow(() -> RegistryError.schemaNotFound("under subject '" + subject + "'"));
    }

    private JsonNode listVersions(RoutingContext ctx) {
        return array(existingVersions(ctx.pathParam("subject")).stream()
                .map(RegistryState.Version::version)
                .toList());
    }

    private JsonNode getVersion(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        return versionNode(findVersion(subject, ctx.pathParam("version")));
    }

    private JsonNode getSchema(RoutingContext ctx) {
        int id = parseId(ctx.pathParam("id"));
        RegistryState.Stored stored =
                state.byId(id).orElseThrow(() -> RegistryError.schemaNotFound("id " + ctx.pathParam("id")));
        return JSON.createObjectNode().put("schema", stored.text());
    }

    private JsonNode getSchemaUsages(RoutingContext ctx) {
        int id = parseId(ctx.pathParam("id"));
        if (state.byId(id).isEmpty()) {
            throw RegistryError.schemaNotFound("id " + ctx.pathParam("id"));
        }
        ArrayNode usages = JSON.createArrayNode();
        state.usagesOf(id)
                .forEach(v -> usages.addObject().put("subject", v.subject()).put("version", v.version()));
        return usages;
    }

    private JsonNode checkCompatibility(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        String versionParam = ctx.pathParam("version");
        Schema schema = schemaFromBody(ctx);
        CompatibilityLevel level = state.effectiveLevel(subject);
        List<Schema> against;
        if (isLatest(versionParam)) {
            // "latest" under a transitive level means every version, as a registration would check.
            against = schemasOf(existingVersions(subject));
        } else {
            against = schemasOf(List.of(findVersion(subject, versionParam)));
        }
        Optional<String> violation = level.violation(schema, against);
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", violation.isEmpty());
        if (violation.isPresent() && "true".equals(ctx.queryParams().get("verbose"))) {
            answer.putArray("messages").add(violation.get());
        }
        return answer;
    }

    private JsonNode getSubjectConfig(RoutingContext ctx) {
        String subject = ctx.pathParam("subject");
        Optional<CompatibilityLevel> level = state.subjectLevel(subject);
        if (level.isEmpty() && "true".equals(ctx.queryParams().get("defaultToGlobal"))) {
            level = Optional.of(state.globalLevel());
        }
        return levelNode(
                "compatibilityLevel",
                level.orElseThrow(() -> new RegistryError(
                        404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured")));
    }

    private JsonNode putConfig(RoutingContext ctx, String subjectOrNull) {
        JsonNode body = jsonBody(ctx);
        CompatibilityLevel level =
                CompatibilityLevel.parse(body.path("compatibility").asText(null));
        log.appendConfig(subjectOrNull, level);
        state.applyConfig(subjectOrNull, level);
        return levelNode("compatibility", level);
    }

    private RegistryState.Version findVersion(String subject, String versionParam) {
        List<RegistryState.Version> versions = existingVersions(subject);
        if (isLatest(versionParam)) {
            return versions.get(versions.size() - 1);
        }
        int version;
        try {
            version = Integer.parseInt(versionParam);
        } catch (NumberFormatException e) {
            throw RegistryError.invalidVersion(versionParam);
        }
        if (version < 1) {
            throw RegistryError.invalidVersion(versionParam);
        }
        return versions.stream()
                .filter(v -> v.version() == version)
                .findFirst()
                .orElseThrow(() -> RegistryError.versionNotFound(subject, versionParam));
    }

    private static boolean isLatest(String versionParam) {
        return "latest".equals(versionParam) || "-1".equals(versionParam);
    }

    private List<RegistryState.Version> existingVersions(String subject) {
        List<RegistryState.Version> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions;
    }

    private List<Schema> schemasOf(List<RegistryState.Version> versions) {
        return versions.stream()
                .map(v -> Schemas.parse(state.byId(v.id()).orElseThrow().text()))
                .toList();
    }

    private ObjectNode versionNode(RegistryState.Version v) {
        return JSON.createObjectNode()
                .put("subject", v.subject())
                .put("version", v.version())
                .put("id", v.id())
                .put("schema", state.byId(v.id()).orElseThrow().text());
    }

    private static Schema schemaFromBody(RoutingContext ctx) {
        JsonNode body = jsonBody(ctx);
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new RegistryError(422, 42201, "Invalid schema: schemaType " + type + " is not supported");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw new RegistryError(422, 42201, "Invalid schema: schema references are not supported");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryError.invalidSchema("request has no \"schema\" string");
        }
        return Schemas.parse(schema.asText());
    }

    private static JsonNode jsonBody(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            throw RegistryError.badRequest("Request body is empty");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw RegistryError.badRequest("Request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw RegistryError.badRequest("Request body is not valid JSON");
        }
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryError.schemaNotFound("id " + text);
        }
    }

    private static JsonNode array(List<?> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(v -> array.addPOJO(v));
        return array;
    }

    private static ObjectNode levelNode(String field, CompatibilityLevel level) {
        return JSON.createObjectNode().put(field, level.name());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(RoutingContext ctx, int status, JsonNode body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(body.toString());
    }
}
