package dev.logtocp.bench;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.schema.wire.WireFormatDeserializer;
import dev.logtocp.schema.wire.WireFormatSerializer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the peer and the naive baseline do per command, written to make the same Logto call as the processor's
 * {@code UserCreateHandler}: decode the wire-format {@code UserCreate}, {@code POST /api/users} with the same body
 * (the idempotency marker in customData) and {@code Idempotency-Key} header, and turn the answer into a
 * {@code CommandOutcome} record for the outcome topic. Blocking, thread-safe: both callers run it on their own
 * threads, which is how those designs spend a thread per in-flight call.
 */
final class UserCreateCall implements AutoCloseable {
    private static final String RESERVED_KEY = "logtoCommandProcessor";

    private final HttpClient http;
    private final String endpoint;
    private final String authorization;
    private final String outcomeTopic;
    private final WireFormatDeserializer decoder = new WireFormatDeserializer();
    private final WireFormatSerializer encoder = new WireFormatSerializer();

    UserCreateCall(SimulatorProcess logto, String registryUrl, String outcomeTopic) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.endpoint = logto.endpoint();
        this.outcomeTopic = outcomeTopic;
        Map<String, Object> serde = Map.of(
                "schema.registry.url", registryUrl, "specific.avro.reader", "true", "auto.register.schemas", "true");
        decoder.configure(serde, false);
        encoder.configure(serde, false);
        this.authorization = "Bearer " + token(logto);
    }

    /** Runs the command in {@code record} and returns its outcome record. Throws when Logto did not answer 2xx/4xx. */
    ProducerRecord<String, byte[]> apply(ConsumerRecord<String, byte[]> record) {
        long receivedAt = System.currentTimeMillis();
        UserCreate command = (UserCreate) decoder.deserialize(record.topic(), record.value());
        CommandMeta meta = command.getMeta();
        JsonObject marker = new JsonObject()
                .put("issuer", meta.getIssuer())
                .put("idempotencyKey", meta.getIdempotencyKey())
                .put("commandId", meta.getCommandId());
        JsonObject body = new JsonObject()
                .put("customData", new JsonObject().put(RESERVED_KEY, marker))
                .put("username", command.getUsername());
        if (command.getName() != null) {
            body.put("name", command.getName());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/api/users"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", meta.getIdempotencyKey())
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        HttpResponse<String> response = send(request);
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            // Let the caller's retry machinery take over, as the processor's retry policy would.
            throw new IllegalStateException("Logto answered " + status);
        }
        boolean ok = status == 200 || status == 201;
        JsonObject json = response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
        CommandOutcome outcome = CommandOutcome.newBuilder()
                .setCommandId(meta.getCommandId())
                .setIdempotencyKey(meta.getIdempotencyKey())
                .setIssuer(meta.getIssuer())
                .setCorrelationId(meta.getCorrelationId())
                .setCommandType("UserCreate")
                .setStatus(ok ? OutcomeStatus.SUCCEEDED : OutcomeStatus.FAILED)
                .setUserId(ok ? json.getString("id") : null)
                .setErrorCode(ok ? null : json.getString("code", "http_" + status))
                .setHttpStatus(status)
                .setAttempts(1)
                .setReceivedAt(Instant.ofEpochMilli(receivedAt))
                .setStartedAt(Instant.ofEpochMilli(receivedAt))
                .setCompletedAt(Instant.now())
                .setSource(new SourcePosition(
                        record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp())))
                .build();
        return new ProducerRecord<>(outcomeTopic, record.key(), encoder.serialize(outcomeTopic, outcome));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a Logto call", e);
        }
    }

    /** The client-credentials grant, once: tokens live an hour, longer than any run. */
    private String token(SimulatorProcess logto) {
        String basic = Base64.getEncoder()
                .encodeToString((logto.appId() + ":" + logto.appSecret()).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials&scope=all&resource="
                + URLEncoder.encode(logto.resource(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/oidc/token"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body()).getString("access_token");
    }

    @Override
    public void close() {
        http.close();
        decoder.close();
        encoder.close();
    }
}
