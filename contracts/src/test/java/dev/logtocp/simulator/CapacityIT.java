package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.contract.ApiClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The capacity model as a client meets it over HTTP: off by default, waits that run out, changes at run time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapacityIT {

    /** Any PATCH holds a connection for 400 ms per query (two queries), and nobody waits more than 100 ms. */
    private static final CapacityModel IMPATIENT = new CapacityModel(
            1, Duration.ofMillis(100), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMillis(400));

    private LogtoSimulator simulator;
    private ApiClient api;
    private ExecutorService clients;
    private final HttpClient admin =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() {
        simulator = LogtoSimulator.start(SimulatorConfig.defaults());
        api = new ApiClient(simulator.endpoint(), simulator.appId(), simulator.appSecret(), simulator.resource());
        clients = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void removeLimit() {
        simulator.setCapacity(null);
    }

    @AfterAll
    void stop() throws InterruptedException {
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        simulator.close();
    }

    private String newUser() {
        ApiClient.Response created = api.post("/api/users", new JsonObject().put("username", "cap_" + Ids.next(10)));
        assertThat(created.status()).isEqualTo(200);
        return created.json().getString("id");
    }

    /** Sends {@code count} requests at once (one thread each, at most 8) and returns the answers in order. */
    private List<ApiClient.Response> concurrently(int count, IntFunction<ApiClient.Response> request) throws Exception {
        List<Future<ApiClient.Response>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            pending.add(clients.submit(() -> request.apply(n)));
        }
        List<ApiClient.Response> answers = new ArrayList<>();
        for (Future<ApiClient.Response> answer : pending) {
            answers.add(answer.get(30, TimeUnit.SECONDS));
        }
        return answers;
    }

    private List<ApiClient.Response> threeRenames(String userId) throws Exception {
        return concurrently(3, i -> api.patch("/api/users/" + userId, new JsonObject().put("name", "n" + i)));
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return admin.send(
                HttpRequest.newBuilder(URI.create(simulator.endpoint() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void capacityIsUnlimitedByDefault() throws Exception {
        assertThat(simulator.capacity()).isEmpty();
        assertThat(simulator.capacityStats().getBoolean("enabled")).isFalse();
        String user = newUser();
        long before = simulator.state().count("user.update");

        assertThat(threeRenames(user)).extracting(ApiClient.Response::status).containsOnly(200);
        assertThat(simulator.state().count("user.update") - before).isEqualTo(3);
    }

    @Test
    void aRequestThatWaitsLongerThanTheLimitIsAnswered500WithLogtosBodyAndChangesNothing() throws Exception {
        String user = newUser();
        long before = simulator.state().count("user.update");
        long rejectedBefore = simulator.capacityStats().getLong("rejected");
        simulator.setCapacity(IMPATIENT);

        List<ApiClient.Response> answers = threeRenames(user);

        // One connection held 800 ms by whoever got it first; the others give up after 100 ms.
        List<ApiClient.Response> refused =
                answers.stream().filter(a -> a.status() == 500).toList();
        long succeeded = answers.stream().filter(a -> a.status() == 200).count();
        assertThat(refused).isNotEmpty();
        assertThat(refused.size() + succeeded).isEqualTo(3);
        assertThat(refused).allSatisfy(a -> assertThat(a.body()).isEqualTo("{\"message\":\"Internal server error.\"}"));
        assertThat(simulator.state().count("user.update") - before).isEqualTo(succeeded);
        JsonObject stats = simulator.capacityStats();
        assertThat(stats.getLong("rejected") - rejectedBefore).isEqualTo(refused.size());
        assertThat(stats.getInteger("peakConnectionsInUse")).isEqualTo(1);

        // Negative control: the same pool with a wait longer than the queue lets every request through in turn.
        simulator.setCapacity(IMPATIENT.withWaitLimit(Duration.ofSeconds(5)));
        assertThat(threeRenames(user)).extracting(ApiClient.Response::status).containsOnly(200);
    }

    @Test
    void aPoolOfThreeServesEightRequestsThreeAtATime() throws Exception {
        String user = newUser();
        CapacityModel threeConnections = new CapacityModel(
                3, Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMillis(300));
        simulator.setCapacity(threeConnections);

        List<ApiClient.Response> answers = concurrently(8, i -> api.get("/api/users/" + user));

        assertThat(answers).extracting(ApiClient.Response::status).containsOnly(200);
        JsonObject stats = simulator.capacityStats();
        assertThat(stats.getInteger("peakConnectionsInUse")).isEqualTo(3);
        assertThat(stats.getInteger("peakWaitingForConnection")).isPositive();

        // Negative control: with a pool as large as the load nobody waits.
        simulator.setCapacity(null);
        simulator.setCapacity(threeConnections.withPoolSize(8));
        concurrently(8, i -> api.get("/api/users/" + user));
        assertThat(simulator.capacityStats().getInteger("peakWaitingForConnection"))
                .isZero();
    }

    @Test
    void theModelChangesAtRunTimeThroughTheAdminEndpoint() throws Exception {
        String user = newUser();
        HttpResponse<String> set =
                admin("PUT", "/__admin/capacity", IMPATIENT.toJson().encode());
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(set.body()).getJsonObject("model").getInteger("poolSize"))
                .isEqualTo(1);
        assertThat(simulator.capacity()).contains(IMPATIENT);
        assertThat(threeRenames(user)).extracting(ApiClient.Response::status).contains(500);

        // Changing one field keeps the others.
        HttpResponse<String> wider = admin("PUT", "/__admin/capacity", "{\"waitLimitMs\": 5000}");
        assertThat(wider.statusCode()).isEqualTo(200);
        assertThat(simulator.capacity()).contains(IMPATIENT.withWaitLimit(Duration.ofSeconds(5)));
        assertThat(threeRenames(user)).extracting(ApiClient.Response::status).containsOnly(200);

        assertThat(admin("DELETE", "/__admin/capacity", null).statusCode()).isEqualTo(204);
        assertThat(simulator.capacity()).isEmpty();
        assertThat(admin("PUT", "/__admin/capacity", "{\"poolSize\": 0}").statusCode())
                .isEqualTo(400);
        assertThat(admin("PUT", "/__admin/capacity", "{\"preset\": \"huge\"}").statusCode())
                .isEqualTo(400);
        assertThat(simulator.capacity()).isEmpty();
    }

    @Test
    void removingTheLimitLetsWaitingRequestsThrough() throws Exception {
        String user = newUser();
        // One connection held 3 s per query, waits of up to a minute: the second and third requests are stuck.
        simulator.setCapacity(IMPATIENT.withQueryTime(Duration.ofSeconds(3)).withWaitLimit(Duration.ofMinutes(1)));
        List<Future<ApiClient.Response>> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            pending.add(clients.submit(
                    () -> api.patch("/api/users/" + user, new JsonObject().put("name", "late" + n))));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (simulator.capacityStats().getInteger("requestsInProgress", 0) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(simulator.capacityStats().getInteger("waitingForConnection")).isEqualTo(2);

        simulator.setCapacity(null);

        for (Future<ApiClient.Response> answer : pending) {
            // Far sooner than the 6 s the model would have taken for all three.
            assertThat(answer.get(2, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void tokenRequestsAndUserCreationsGoThroughTheModelToo() {
        // A pool of one cannot serve a user creation: its transaction holds the only connection while the insert
        // waits for a second one, as on a real Logto with DATABASE_POOL_SIZE=1.
        simulator.setCapacity(CapacityModel.logto().withPoolSize(1).withWaitLimit(Duration.ofMillis(200)));
        ApiClient.Response create = api.post("/api/users", new JsonObject().put("username", "cap_" + Ids.next(10)));
        assertThat(create.status()).isEqualTo(500);
        assertThat(create.body()).isEqualTo("{\"message\":\"Internal server error.\"}");
        assertThat(api.requestToken(simulator.appId(), simulator.appSecret(), simulator.resource(), "all", true)
                        .status())
                .isEqualTo(200);

        // Negative control: two connections are enough.
        simulator.setCapacity(CapacityModel.logto().withPoolSize(2).withWaitLimit(Duration.ofMillis(200)));
        assertThat(api.post("/api/users", new JsonObject().put("username", "cap_" + Ids.next(10)))
                        .status())
                .isEqualTo(200);
    }
}
