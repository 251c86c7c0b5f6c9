package dev.logtocp.processor.logto;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * One HTTP answer from Logto, whatever its status: handlers decide what a status means for their operation (a
 * 404 on DELETE can be success), so the client does not turn non-2xx into errors by itself.
 */
public record LogtoResponse(int status, Buffer body, String retryAfter, String totalNumber) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public JsonObject json() {
        if (body == null || body.length() == 0) {
            return new JsonObject();
        }
        return new JsonObject(body);
    }

    public JsonArray jsonArray() {
        if (body == null || body.length() == 0) {
            return new JsonArray();
        }
        return new JsonArray(body);
    }

    /** Logto's error {@code code}, when the body is Logto's {@code {code, message}} shape. */
    public Optional<String> errorCode() {
        return errorField("code");
    }

    public Optional<String> errorMessage() {
        return errorField("message");
    }

    private Optional<String> errorField(String name) {
        if (body == null || body.length() == 0 || body.getByte(0) != '{') {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(new JsonObject(body).getValue(name)).map(Object::toString);
        } catch (DecodeException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The error this answer means if the caller cannot accept it. */
    public LogtoApiException toException(String operation) {
        return LogtoApiException.fromResponse(operation, this);
    }
}
