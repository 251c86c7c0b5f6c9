package dev.logtocp.simulator;

import java.util.Map;

/**
 * What a route answers: a status, a body (JsonObject, JsonArray, String or null for none) and extra headers.
 */
record Reply(int status, Object body, Map<String, String> headers) {

    static Reply ok(Object body) {
        return new Reply(200, body, Map.of());
    }

    static Reply of(int status, Object body) {
        return new Reply(status, body, Map.of());
    }

    static Reply noContent() {
        return new Reply(204, null, Map.of());
    }

    static Reply paged(Object body, long total) {
        return new Reply(200, body, Map.of("Total-Number", Long.toString(total)));
    }
}
