package dev.logtocp.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the status view ({@code GET /commands/{issuer}/{key}} on any instance) for the latest outcome of an
 * (issuer, idempotency key): one HTTP call instead of a scan of the whole outcome topic. The view's JSON is turned
 * back into a {@link CommandOutcome}, so {@code ops status} prints the same line whichever source answered.
 */
final class ViewStatusLookup implements OutcomeLookup {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The view could not answer (unreachable, starting, rebalancing): the caller falls back to the scan. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    ViewStatusLookup(String baseUrl, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Empty when the view has no outcome for the key (404). */
    @Override
    public Optional<Found> latest(String issuer, String idempotencyKey) throws Unreachable, InterruptedException {
        URI uri = base.resolve("commands/" + segment(issuer) + "/" + segment(idempotencyKey));
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable(base + " did not answer (" + e.getClass().getSimpleName() + ")");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new Unreachable(base + " answered " + response.statusCode());
        }
        try {
            JsonNode latest = JSON.readTree(response.body()).get("latest");
            return Optional.of(new Found(text(latest, "recordKey"), outcome(latest)));
        } catch (IOException | RuntimeException e) {
            throw new Unreachable(base + " answered something that is not a status (" + e.getMessage() + ")");
        }
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static CommandOutcome outcome(JsonNode o) {
        List<FieldError> fieldErrors = new ArrayList<>();
        o.path("fieldErrors")
                .forEach(f -> fieldErrors.add(
                        new FieldError(f.get("field").asText(), f.get("reason").asText())));
        Map<String, String> details = new LinkedHashMap<>();
        o.path("details")
                .properties()
                .forEach(e -> details.put(e.getKey(), e.getValue().asText()));
        JsonNode s = o.get("source");
        return CommandOutcome.newBuilder()
                .setCommandId(text(o, "commandId"))
                .setIdempotencyKey(text(o, "idempotencyKey"))
                .setIssuer(text(o, "issuer"))
                .setCorrelationId(text(o, "correlationId"))
                .setCommandType(text(o, "commandType"))
                .setStatus(OutcomeStatus.valueOf(text(o, "status")))
                .setUserId(text(o, "userId"))
                .setErrorCode(text(o, "errorCode"))
                .setErrorMessage(text(o, "errorMessage"))
                .setHttpStatus(
                        o.path("httpStatus").isInt() ? o.get("httpStatus").asInt() : null)
                .setFieldErrors(fieldErrors)
                .setDetails(details)
                .setAttempts(o.path("attempts").asInt())
                .setReceivedAt(instant(text(o, "receivedAt")))
                .setStartedAt(text(o, "startedAt") == null ? null : instant(text(o, "startedAt")))
                .setCompletedAt(instant(text(o, "completedAt")))
                .setSource(new SourcePosition(
                        text(s, "topic"),
                        s.path("partition").asInt(),
                        s.path("offset").asLong(),
                        instant(text(s, "timestamp"))))
                .build();
    }

    private static Instant instant(String text) {
        return text == null ? Instant.EPOCH : Instant.parse(text);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
