package dev.logtocp.processor.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.processor.command.CommandExecutor;
import dev.logtocp.processor.command.ExecutionResult;
import dev.logtocp.processor.command.RetryPolicy;
import dev.logtocp.processor.command.UserCustomDataMergeHandler;
import dev.logtocp.processor.config.LogtoSettings;
import dev.logtocp.processor.config.Secret;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.logto.CallLimiter;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.logto.LogtoClient;
import dev.logtocp.processor.logto.LogtoResponse;
import dev.logtocp.processor.logto.RateLimiter;
import dev.logtocp.processor.logto.RequestTimeout;
import dev.logtocp.processor.logto.RetryBudget;
import dev.logtocp.processor.logto.TokenProvider;
import dev.logtocp.simulator.FaultRule;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.SimulatorConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ownership gate in front of the HTTP client: a call after a revocation, after the membership lease lapsed, or
 * from an instance that is no longer a member never reaches the server; a revocation cancels pending retries and
 * waits for calls on the wire. The server is the Logto simulator over real HTTP, whose request counter is the
 * evidence; each refusal has a control in which the same call, with the lease held, does reach it.
 */
class FencedCallsTest {
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final CallLimiter LIMITER = CallLimiter.fixed(16, Clock.systemUTC());
    private static LogtoSimulator logto;
    private static Vertx vertx;
    private static LogtoClient client;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private OwnershipGate gate;
    private PartitionLease lease;
    private Context context;

    @BeforeAll
    static void start() {
        logto = LogtoSimulator.start(SimulatorConfig.defaults());
        vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        LogtoSettings settings = new LogtoSettings(
                URI.create(logto.endpoint()),
                logto.appId(),
                new Secret(logto.appSecret()),
                logto.resource(),
                Duration.ofSeconds(5),
                16,
                0,
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Optional.empty());
        client = new LogtoClient(new LogtoClient.Wiring(
                vertx,
                web,
                new TokenProvider(web, settings, Clock.systemUTC()),
                settings.baseUrl(),
                RequestTimeout.of(settings.requestTimeout(), settings.requestTimeout()),
                new RateLimiter(0),
                LIMITER,
                (operation, status, took) -> {}));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        logto.close();
    }

    @BeforeEach
    void openLease() throws Exception {
        gate = new OwnershipGate(LEASE, nanos::get);
        gate.confirmed(nanos.get());
        lease = gate.open(new TopicPartition("commands", 3));
        context = vertx.getOrCreateContext();
        // Warm the token, so that every request counted below is an API call.
        await(onContext(() -> client.get("user.list", "/api/users", null)));
    }

    @AfterEach
    void clearFaults() {
        logto.faults().clear();
    }

    @Test
    void aCallWithTheLeaseHeldReachesLogto() throws Exception {
        long before = logto.state().requestCount();
        LogtoResponse answer = await(onContext(() -> client.gated(lease).get("user.list", "/api/users", null)));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(logto.state().requestCount())
                .as("control: the gate lets a held lease through")
                .isEqualTo(before + 1);
        assertThat(lease.onWire()).isZero();
    }

    @Test
    void aCallAfterRevocationNeverReachesLogto() throws Exception {
        assertThat(lease.revoke(Duration.ofSeconds(1))).isTrue();
        long before = logto.state().requestCount();

        Throwable refused = failure(onContext(() -> client.gated(lease)
                .write(
                        "user.customData.update",
                        HttpMethod.PATCH,
                        "/api/users/nobody/custom-data",
                        null,
                        new JsonObject(),
                        "key-1")));

        assertThat(refused).isInstanceOf(CallFencedException.class);
        assertThat(logto.state().requestCount()).isEqualTo(before);
    }

    /** Moves the fake clock while the ticker keeps ticking: a slow consumer, not a frozen process. */
    private void elapseTicking(Duration duration) {
        for (long left = duration.toNanos(); left > 0; left -= 100_000_000L) {
            nanos.addAndGet(Math.min(left, 100_000_000L));
            gate.tick();
        }
    }

    @Test
    void aCallAfterTheLeaseLapsedWaitsForTheNextConfirmingPoll() throws Exception {
        elapseTicking(LEASE.plusMillis(1));
        long before = logto.state().requestCount();

        CompletableFuture<LogtoResponse> call =
                onContext(() -> client.gated(lease).get("user.list", "/api/users", null));
        Thread.sleep(300);
        assertThat(call)
                .as("a woken instance makes no call before it re-confirmed membership")
                .isNotDone();
        assertThat(logto.state().requestCount()).isEqualTo(before);

        gate.confirmed(nanos.get());
        assertThat(await(call).status()).isEqualTo(200);
        assertThat(logto.state().requestCount()).isEqualTo(before + 1);
    }

    @Test
    void aCallWaitingForMembershipIsRefusedWhenThePartitionIsRevokedMeanwhile() throws Exception {
        elapseTicking(LEASE.plusMillis(1));
        long before = logto.state().requestCount();
        CompletableFuture<LogtoResponse> call =
                onContext(() -> client.gated(lease).get("user.list", "/api/users", null));
        Thread.sleep(100);

        lease.revoke(Duration.ZERO);
        gate.confirmed(nanos.get());

        assertThat(failure(call)).isInstanceOf(CallFencedException.class);
        assertThat(logto.state().requestCount()).isEqualTo(before);
    }

    @Test
    void aFencedInstanceMakesNoCall() throws Exception {
        // The consumer found it is no longer a member of the group (no generation).
        gate.unconfirmed();
        long before = logto.state().requestCount();
        CompletableFuture<LogtoResponse> call =
                onContext(() -> client.gated(lease).get("user.list", "/api/users", null));
        Thread.sleep(200);
        assertThat(call).isNotDone();

        lease.gone();

        assertThat(failure(call)).isInstanceOf(CallFencedException.class);
        assertThat(logto.state().requestCount()).isEqualTo(before);
    }

    @Test
    void revocationCancelsAPendingRetryAndAbandonsTheCommand() throws Exception {
        String userId = createUser();
        logto.faults().add(FaultRule.error503(1.0).onPath(".*/custom-data").onMethod("PATCH"));
        CommandExecutor executor = new CommandExecutor(
                vertx,
                client,
                new ReferenceMap(),
                new RetryPolicy(5, Duration.ofMillis(400), Duration.ofMillis(400)),
                new CommandExecutor.Protection(
                        new CircuitBreaker(1000, Duration.ofSeconds(1), Duration.ofSeconds(5), Clock.systemUTC()),
                        LIMITER,
                        RetryBudget.of(1.0, 100)),
                type -> {},
                Clock.systemUTC());
        UserCustomDataMerge merge = UserCustomDataMerge.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId(UUID.randomUUID().toString())
                        .setIdempotencyKey("merge-" + userId)
                        .setIssuer("unit")
                        .setIssuedAt(Instant.now())
                        .build())
                .setUser(new UserRef(UserRefKind.ID, userId))
                .setCustomDataJson("{\"seq\":1}")
                .build();

        CompletableFuture<ExecutionResult> execution =
                onContext(() -> executor.execute(new UserCustomDataMergeHandler(), merge, null, lease));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (logto.faults().injectedCounts().getOrDefault("error503", 0L) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(lease.revoke(Duration.ofSeconds(1))).isTrue();

        assertThat(failure(execution)).as("abandoned: no outcome is built").isInstanceOf(CallFencedException.class);
        Thread.sleep(800);
        assertThat(logto.faults().injectedCounts().getOrDefault("error503", 0L))
                .as("the retry due 400 ms after the first attempt was never sent")
                .isEqualTo(1L);
        assertThat(logto.state()
                        .user(userId)
                        .orElseThrow()
                        .getJsonObject("customData")
                        .containsKey("seq"))
                .isFalse();
    }

    @Test
    void revocationWaitsForACallOnTheWireAndIsBoundedByItsLimit() throws Exception {
        logto.faults().add(FaultRule.fixedLatency(Duration.ofMillis(600)).onPath("/api/users"));
        CompletableFuture<LogtoResponse> call =
                onContext(() -> client.gated(lease).get("user.list", "/api/users", null));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (lease.onWire() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(lease.onWire()).isEqualTo(1);

        assertThat(lease.revoke(Duration.ofMillis(50)))
                .as("bounded: gives up while the call is still out")
                .isFalse();
        assertThat(lease.revoke(Duration.ofSeconds(5)))
                .as("then waits for it to end")
                .isTrue();
        assertThat(lease.onWire()).isZero();
        assertThat(await(call).status()).isEqualTo(200);
    }

    /**
     * A frozen process: its clock jumps past a lease with no tick in between. Polls confirm nothing until a new
     * assignment: the first poll after a wake may return buffered records under a generation the group replaced.
     */
    @Test
    void afterAStallOnlyANewAssignmentLetsCallsGoAgain() throws Exception {
        nanos.addAndGet(LEASE.toNanos() + 1);
        long before = logto.state().requestCount();
        CompletableFuture<LogtoResponse> call =
                onContext(() -> client.gated(lease).get("user.list", "/api/users", null));

        gate.confirmed(nanos.get());
        Thread.sleep(200);
        assertThat(gate.suspect()).isTrue();
        assertThat(gate.takeRebalanceRequest())
                .as("the consumer is asked to rejoin")
                .isTrue();
        assertThat(call).as("a poll right after the wake confirms nothing").isNotDone();
        gate.tick();
        gate.confirmed(nanos.get());
        Thread.sleep(200);
        assertThat(call).isNotDone();
        assertThat(logto.state().requestCount()).isEqualTo(before);

        gate.rebalanced();
        gate.confirmed(nanos.get());
        assertThat(await(call).status()).isEqualTo(200);
        assertThat(logto.state().requestCount()).isEqualTo(before + 1);
    }

    @Test
    void theTickerThreadNoticesAStallOnItsOwn() {
        gate.tick();
        nanos.addAndGet(LEASE.toNanos());
        gate.tick();
        assertThat(gate.suspect()).isTrue();
        assertThat(gate.live()).isFalse();
    }

    @Test
    void theLeaseBoundIsTheShorterTimeoutLessAMargin() {
        assertThat(OwnershipGate.leaseBound(Duration.ofSeconds(45), Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofMillis(33_750));
        assertThat(OwnershipGate.leaseBound(Duration.ofSeconds(6), Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofMillis(4_500));
        assertThat(OwnershipGate.leaseBound(Duration.ofMinutes(5), Duration.ofSeconds(20)))
                .isEqualTo(Duration.ofSeconds(15));
        assertThat(OwnershipGate.leaseBound(Duration.ofSeconds(2), Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofSeconds(1));
    }

    private String createUser() throws Exception {
        LogtoResponse created = await(onContext(() -> client.write(
                "user.create",
                HttpMethod.POST,
                "/api/users",
                null,
                new JsonObject()
                        .put(
                                "username",
                                "fence_"
                                        + UUID.randomUUID()
                                                .toString()
                                                .substring(0, 8)
                                                .replace("-", "")),
                "create-" + UUID.randomUUID())));
        assertThat(created.status()).isEqualTo(200);
        return created.json().getString("id");
    }

    /** Runs {@code call} on the test's Vert.x context, as the engine runs handlers on an event loop. */
    private <T> CompletableFuture<T> onContext(java.util.function.Supplier<Future<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> call.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the call to fail, but it succeeded");
    }
}
