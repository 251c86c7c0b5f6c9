package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.contract.ApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator as a separate process, killed with SIGKILL (no shutdown hook, no last snapshot) and started again
 * on the same state directory and port, like a real server after a crash.
 */
class DurableStateKillIT {

    private static final Pattern READY = Pattern.compile("endpoint=(\\S+) appId=(\\S+) appSecret=(\\S+)");
    private static final String SECRET = "kill-test-secret";

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private record Child(Process process, String endpoint) {
        ApiClient client() {
            return new ApiClient(endpoint, SimulatorConfig.DEFAULT_APP_ID, SECRET, SimulatorConfig.DEFAULT_RESOURCE);
        }

        int port() {
            return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Child start(int port, Path stateDir) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                LogtoSimulatorMain.class.getName(),
                "--port",
                Integer.toString(port),
                "--app-secret",
                SECRET));
        if (stateDir != null) {
            command.addAll(List.of("--state-dir", stateDir.toString()));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(process);
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(
                        () -> {
                            try {
                                while (out.readLine() != null) {
                                    // Discard: the child logs nothing the test needs.
                                }
                            } catch (IOException ignored) {
                                // The child is gone.
                            }
                        },
                        "simulator-child-output");
                drain.setDaemon(true);
                drain.start();
                return new Child(process, m.group(1));
            }
        }
        throw new IllegalStateException("the simulator child did not start; last line: " + line);
    }

    private static long mutations(ApiClient api) {
        return new JsonObject(api.raw("GET", "/__admin/stats", null, Map.of(), Duration.ofSeconds(5))
                        .body())
                .getLong("mutations");
    }

    @Test
    void aKilledSimulatorRestartedOnItsStateDirectoryHasEverythingItAnswered() throws Exception {
        Child first = start(0, dir);
        ApiClient api = first.client();
        String userId = api.post(
                        "/api/users",
                        new JsonObject()
                                .put("username", "killed_" + Ids.next(6))
                                .put("password", "Kill-Me-N0w")
                                .put("customData", new JsonObject().put("tier", 2)))
                .json()
                .getString("id");
        String roleId = api.post(
                        "/api/roles", new JsonObject().put("name", "kill-role").put("description", "r"))
                .json()
                .getString("id");
        assertThat(api.post(
                                "/api/users/" + userId + "/roles",
                                new JsonObject().put("roleIds", new JsonArray().add(roleId)))
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/users/" + userId + "/personal-access-tokens", new JsonObject().put("name", "ci"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post("/api/users/" + userId + "/mfa-verifications", new JsonObject().put("type", "Totp"))
                        .status())
                .isEqualTo(200);
        assertThat(api.patch(
                                "/api/users/" + userId + "/custom-data",
                                new JsonObject().put("customData", new JsonObject().put("seats", 5)))
                        .status())
                .isEqualTo(200);
        JsonObject user = api.get("/api/users/" + userId).json();
        long applied = mutations(api);

        first.kill();
        Child second = start(first.port(), dir);

        // The same client, with the access token it got before the kill, carries on.
        assertThat(second.endpoint()).isEqualTo(first.endpoint());
        ApiClient.Response after = api.get("/api/users/" + userId);
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.json()).isEqualTo(user);
        assertThat(api.get("/api/users/" + userId + "/roles").array())
                .extracting(r -> ((JsonObject) r).getString("id"))
                .containsExactly(roleId);
        assertThat(api.get("/api/users/" + userId + "/personal-access-tokens").array())
                .hasSize(1);
        assertThat(api.get("/api/users/" + userId + "/mfa-verifications").array())
                .hasSize(1);
        assertThat(api.post(
                                "/api/users/" + userId + "/password/verify",
                                new JsonObject().put("password", "Kill-Me-N0w"))
                        .status())
                .isEqualTo(204);
        assertThat(mutations(api)).isEqualTo(applied);
        // A repeated create meets the user that survived, as on a real server.
        assertThat(api.post("/api/users", new JsonObject().put("username", user.getString("username")))
                        .code())
                .isEqualTo("user.username_already_in_use");
        second.kill();

        // Negative control: the same kill and restart without the state directory starts empty, and the old token is
        // unknown to the new process.
        Child third = start(0, null);
        ApiClient fresh = third.client();
        assertThat(fresh.raw(
                                "GET",
                                "/api/users/" + userId,
                                null,
                                Map.of("Authorization", "Bearer " + api.token()),
                                Duration.ofSeconds(5))
                        .status())
                .isEqualTo(401);
        assertThat(fresh.get("/api/users/" + userId).status()).isEqualTo(404);
        assertThat(mutations(fresh)).isZero();
    }
}
