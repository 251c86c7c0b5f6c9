package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fake can only make a test pass on the calls the test scripted. */
class FakeLogtoTest {
    private final FakeLogto logto = new FakeLogto();

    @Test
    void anUnscriptedCallFailsTheTest() {
        assertThatThrownBy(() -> logto.get("user.get", "/api/users/u1", Map.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("GET /api/users/u1");
    }

    @Test
    void eachAnswerIsUsedOnceInOrder() {
        logto.on(HttpMethod.DELETE, "/x", FakeLogto.status(204)).on(HttpMethod.DELETE, "/x", FakeLogto.status(404));

        assertThat(logto.write("op", HttpMethod.DELETE, "/x", null, null, "k")
                        .result()
                        .status())
                .isEqualTo(204);
        assertThat(logto.unused()).containsExactly("DELETE /x");
        assertThat(logto.write("op", HttpMethod.DELETE, "/x", null, null, "k")
                        .result()
                        .status())
                .isEqualTo(404);
        assertThatThrownBy(() -> logto.write("op", HttpMethod.DELETE, "/x", null, null, "k"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void answersAreKeptApartByMethod() {
        logto.on(HttpMethod.GET, "/x", FakeLogto.status(200));

        assertThatThrownBy(() -> logto.write("op", HttpMethod.DELETE, "/x", null, null, "k"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aWriteWithoutAnIdempotencyKeyIsRefusedAsTheRealClientRefusesIt() {
        logto.on(HttpMethod.POST, "/x", FakeLogto.status(201));

        assertThatThrownBy(() -> logto.write("op", HttpMethod.POST, "/x", null, new JsonObject(), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCallIsRecordedWithItsBodyAndKey() {
        logto.on(HttpMethod.PATCH, "/x", FakeLogto.status(200));
        JsonObject body = new JsonObject().put("a", 1);

        logto.write("op", HttpMethod.PATCH, "/x", Map.of("q", "1"), body, "key");
        body.put("a", 2);

        assertThat(logto.calls())
                .containsExactly(new FakeLogto.Call(
                        HttpMethod.PATCH, "/x", Map.of("q", "1"), new JsonObject().put("a", 1), "key"));
    }
}
