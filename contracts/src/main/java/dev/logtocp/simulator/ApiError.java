package dev.logtocp.simulator;

import io.vertx.core.json.JsonObject;

/**
 * A request that Logto would refuse, carried up to the route wrapper that renders it. Stack traces are skipped
 * because these are ordinary answers, not bugs, and the simulator must stay cheap under load.
 */
final class ApiError extends RuntimeException {

    final int status;
    final JsonObject body;

    private ApiError(int status, JsonObject body) {
        super(body.getString("code", "error"), null, false, false);
        this.status = status;
        this.body = body;
    }

    static ApiError of(int status, String code, String message) {
        return new ApiError(status, new JsonObject().put("code", code).put("message", message));
    }

    static ApiError withData(int status, String code, String message, JsonObject data) {
        return new ApiError(
                status,
                new JsonObject().put("code", code).put("message", message).put("data", data));
    }

    /** An error body without {@code code}, as Logto's body parser answers for malformed JSON. */
    static ApiError bare(int status, String message) {
        return new ApiError(status, new JsonObject().put("message", message));
    }

    static ApiError raw(int status, JsonObject body) {
        return new ApiError(status, body);
    }

    static ApiError userNotFound() {
        return of(404, "entity.not_found", "The resource does not exist.");
    }

    static ApiError rolesNotFound(String id) {
        return of(404, "entity.not_exists_with_id", "The roles with ID `" + id + "` does not exist.");
    }

    static ApiError sessionNotFound() {
        return of(404, "oidc.session_not_found", "Session not found.");
    }
}
