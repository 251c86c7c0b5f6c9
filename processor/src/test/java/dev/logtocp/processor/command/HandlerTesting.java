package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.LogtoApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the handler unit tests share: commands' envelopes, a context over a {@link FakeLogto}, and verdicts. */
final class HandlerTesting {
    static final String ISSUER = "crm";
    /** The key the engine scopes by issuer ({@code CommandExecutor.scopedKey}); every write must carry it. */
    static final String KEY = ISSUER + ":key-1";

    static final String USER_ID = "u1";
    static final String USER = "/api/users/" + USER_ID;
    static final Instant ISSUED_AT = Instant.parse("2026-01-15T09:30:00Z");

    private HandlerTesting() {}

    static CommandMeta meta() {
        return CommandMeta.newBuilder()
                .setCommandId("c-1")
                .setIdempotencyKey("key-1")
                .setIssuer(ISSUER)
                .setIssuedAt(ISSUED_AT)
                .build();
    }

    static UserRef byId(String id) {
        return new UserRef(UserRefKind.ID, id);
    }

    static UserRef byUsername(String username) {
        return new UserRef(UserRefKind.USERNAME, username);
    }

    static UserRef byExternalId(String externalId) {
        return new UserRef(UserRefKind.EXTERNAL_ID, externalId);
    }

    static ExecutionContext context(FakeLogto logto) {
        return context(logto, new ReferenceMap());
    }

    static ExecutionContext context(FakeLogto logto, ReferenceMap references) {
        return new ExecutionContext(logto, new UserResolver(logto, references, 0), KEY, 1);
    }

    /** Logto's user as GET /api/users/{id} and the search show it. */
    static JsonObject user(String id) {
        return new JsonObject().put("id", id).put("customData", new JsonObject());
    }

    static JsonArray users(JsonObject... users) {
        JsonArray array = new JsonArray();
        for (JsonObject user : users) {
            array.add(user);
        }
        return array;
    }

    /** A finished handler run that produced a result (the future must already be complete). */
    static HandlerResult result(Future<HandlerResult> run) {
        assertThat(run.isComplete())
                .as("the handler finished against the scripted Logto")
                .isTrue();
        if (run.failed()) {
            throw new AssertionError("expected a result, the run failed", run.cause());
        }
        return run.result();
    }

    /** A finished handler run that failed; its cause. */
    static Throwable failure(Future<?> run) {
        assertThat(run.isComplete())
                .as("the handler finished against the scripted Logto")
                .isTrue();
        assertThat(run.failed()).as("the run failed").isTrue();
        return run.cause();
    }

    /**
     * How the engine ends a run: a result as it is, a {@link CommandFailure} as FAILED with its code. Anything else
     * (a Logto exception) is not a decision of the handler and fails the test.
     */
    static Verdict verdict(Future<HandlerResult> run) {
        assertThat(run.isComplete())
                .as("the handler finished against the scripted Logto")
                .isTrue();
        if (run.succeeded()) {
            HandlerResult r = run.result();
            return new Verdict(r.status(), r.errorCode(), r.httpStatus(), r.details());
        }
        if (run.cause() instanceof CommandFailure f) {
            return new Verdict(OutcomeStatus.FAILED, f.code(), f.httpStatus(), Map.of());
        }
        throw new AssertionError("expected a decided outcome, the run failed with", run.cause());
    }

    record Verdict(OutcomeStatus status, String code, Integer httpStatus, Map<String, String> details) {}

    static void assertSucceeded(HandlerResult result, String userId) {
        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(result.userId()).isEqualTo(userId);
        assertThat(result.errorCode()).isNull();
    }

    static void assertFailed(HandlerResult result, String code, Integer httpStatus) {
        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo(code);
        assertThat(result.httpStatus()).isEqualTo(httpStatus);
    }

    static void assertUserNotFound(HandlerResult result) {
        assertFailed(result, UserResolver.USER_NOT_FOUND, 404);
    }

    static void assertAlreadyApplied(HandlerResult result, String userId) {
        assertSucceeded(result, userId);
        assertThat(result.details()).containsEntry("alreadyApplied", "true");
    }

    /** The run failed with Logto's {@code status} as an exception the engine retries. */
    static void assertRetryable(Future<?> run, int status) {
        Throwable cause = failure(run);
        assertThat(cause).isInstanceOf(LogtoApiException.class);
        LogtoApiException e = (LogtoApiException) cause;
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.retryable()).isTrue();
    }

    /** Every write carried the command's scoped idempotency key (or a key derived from it, for composites). */
    static void assertWritesCarryTheKey(FakeLogto logto) {
        assertThat(logto.writes())
                .isNotEmpty()
                .allSatisfy(w -> assertThat(w.idempotencyKey()).startsWith(KEY));
    }

    static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::getField).toList();
    }
}
