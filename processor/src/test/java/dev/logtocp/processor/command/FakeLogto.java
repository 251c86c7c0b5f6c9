package dev.logtocp.processor.command;

import dev.logtocp.processor.logto.LogtoCalls;
import dev.logtocp.processor.logto.LogtoResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted Logto for handler unit tests. Each answer is given for one (method, path) and is used once, in the order
 * given; a call nobody scripted fails with an {@link AssertionError}, so a test can only pass on calls it expected.
 * Every call is recorded (method, path, query, body, Idempotency-Key) so a test can assert which calls were made
 * and in what order. Like {@link dev.logtocp.processor.logto.LogtoClient}, a write without an idempotency key is
 * refused. Answers are completed futures: handlers run to the end synchronously, without a Vert.x instance.
 *
 * <p>Single-threaded, like a handler's event loop.
 */
final class FakeLogto implements LogtoCalls {

    /** One request as a handler made it. {@code idempotencyKey} is null for reads. */
    record Call(HttpMethod method, String path, Map<String, String> query, JsonObject body, String idempotencyKey) {
        /** "METHOD path", how tests name a call. */
        String line() {
            return method.name() + " " + path;
        }
    }

    private final Map<String, Deque<LogtoResponse>> scripted = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private LogtoResponse everyCall;

    /** Scripts the next answer to {@code method path} (the path without query). */
    FakeLogto on(HttpMethod method, String path, LogtoResponse answer) {
        scripted.computeIfAbsent(method.name() + " " + path, k -> new ArrayDeque<>())
                .add(answer);
        return this;
    }

    /**
     * Answers every call with {@code answer}, scripted or not: for the tests that need "whatever is called first
     * fails", e.g. a 503 on the first call of any handler.
     */
    FakeLogto answerEveryCall(LogtoResponse answer) {
        this.everyCall = answer;
        return this;
    }

    @Override
    public Future<LogtoResponse> get(String operation, String path, Map<String, String> query) {
        return answer(new Call(HttpMethod.GET, path, copy(query), null, null));
    }

    @Override
    public Future<LogtoResponse> write(
            String operation,
            HttpMethod method,
            String path,
            Map<String, String> query,
            JsonObject body,
            String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            throw new IllegalArgumentException("every Logto write needs an idempotency key");
        }
        return answer(new Call(method, path, copy(query), body == null ? null : body.copy(), idempotencyKey));
    }

    private Future<LogtoResponse> answer(Call call) {
        calls.add(call);
        if (everyCall != null) {
            return Future.succeededFuture(everyCall);
        }
        Deque<LogtoResponse> answers = scripted.get(call.line());
        if (answers == null || answers.isEmpty()) {
            throw new AssertionError("unscripted Logto call: " + call.line() + " (calls so far: " + lines() + ")");
        }
        return Future.succeededFuture(answers.poll());
    }

    /** Every call, in the order made. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every call as "METHOD path", in the order made. */
    List<String> lines() {
        return calls.stream().map(Call::line).toList();
    }

    /** The writes only (calls with an idempotency key). */
    List<Call> writes() {
        return calls.stream().filter(c -> c.idempotencyKey() != null).toList();
    }

    /** Scripted answers no call used: a test that scripts a call the handler never made has a wrong picture. */
    List<String> unused() {
        List<String> left = new ArrayList<>();
        scripted.forEach((line, answers) -> answers.forEach(a -> left.add(line)));
        return left;
    }

    private static Map<String, String> copy(Map<String, String> query) {
        return query == null ? Map.of() : Map.copyOf(query);
    }

    // ---- answers ----

    static LogtoResponse status(int status) {
        return new LogtoResponse(status, Buffer.buffer(), null, null);
    }

    static LogtoResponse json(int status, JsonObject body) {
        return new LogtoResponse(status, body.toBuffer(), null, null);
    }

    static LogtoResponse json(int status, JsonArray body) {
        return new LogtoResponse(status, body.toBuffer(), null, null);
    }

    /** Logto's error shape {@code {code, message}}. */
    static LogtoResponse error(int status, String code, String message) {
        return json(status, new JsonObject().put("code", code).put("message", message));
    }

    static LogtoResponse error(int status, String code) {
        return error(status, code, "Logto says " + code);
    }
}
