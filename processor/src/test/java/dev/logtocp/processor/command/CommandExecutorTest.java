package dev.logtocp.processor.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.commands.MfaReset;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.config.LogtoSettings;
import dev.logtocp.processor.config.Secret;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.logto.CallLimiter;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.logto.LogtoApiException;
import dev.logtocp.processor.logto.LogtoCapacityWaitExpired;
import dev.logtocp.processor.logto.LogtoClient;
import dev.logtocp.processor.logto.LogtoTransportException;
import dev.logtocp.processor.logto.RateLimiter;
import dev.logtocp.processor.logto.RequestTimeout;
import dev.logtocp.processor.logto.RetryBudget;
import dev.logtocp.processor.logto.TokenProvider;
import dev.logtocp.processor.ownership.OwnershipGate;
import dev.logtocp.processor.ownership.PartitionLease;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CommandExecutor} on a real Vert.x instance with a scripted handler: the handler never calls Logto, so the
 * {@link LogtoClient} the executor needs points at an address nothing listens on and is never used. Every wait is
 * bounded; assertions are about what happened (outcome, attempts, handler calls), never about how fast.
 */
class CommandExecutorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long WAIT_SECONDS = 5;
    private static final String CANARY = "canary-7f3e-secret-value";

    private static Vertx vertx;
    private static LogtoClient logto;

    /** The executor's clock: deadlines are judged by it; tests move it by hand. */
    private final MutableClock clock = new MutableClock(T0);

    private final AtomicInteger retriesScheduled = new AtomicInteger();
    private final CountDownLatch firstRetryScheduled = new CountDownLatch(1);
    private CircuitBreaker breaker;
    private RetryBudget budget;
    private RetryPolicy retry;
    private PartitionLease lease;
    private Context context;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        // Port 9 (discard): nothing is ever sent, the scripted handlers do not touch the client.
        LogtoSettings settings = new LogtoSettings(
                URI.create("http://127.0.0.1:9"),
                "app",
                new Secret("secret"),
                "https://default.logto.app/api",
                Duration.ofSeconds(1),
                4,
                0,
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Optional.empty());
        logto = new LogtoClient(new LogtoClient.Wiring(
                vertx,
                web,
                new TokenProvider(web, settings, Clock.systemUTC()),
                settings.endpoint().toString(),
                RequestTimeout.of(Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new RateLimiter(0),
                CallLimiter.fixed(4, Clock.systemUTC()),
                (operation, status, took) -> {}));
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @BeforeEach
    void setUp() {
        breaker = new CircuitBreaker(1000, Duration.ofSeconds(1), Duration.ofSeconds(5), Clock.systemUTC());
        budget = RetryBudget.of(1.0, 100);
        retry = new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(10));
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        OwnershipGate gate = new OwnershipGate(Duration.ofHours(1), nanos::get);
        gate.confirmed(nanos.get());
        lease = gate.open(new TopicPartition("commands", 2));
        context = vertx.getOrCreateContext();
    }

    // ---- validation and deadline before any call ----

    @Test
    void invalidCommandIsRejectedWithItsFieldErrorsAndNeverExecuted() throws Exception {
        List<FieldError> problems = List.of(
                new FieldError("user.value", "must not be blank"), new FieldError("meta.idempotencyKey", "too long"));
        ScriptedHandler handler = new ScriptedHandler(problems);
        handler.then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(result.errorCode()).isEqualTo("validation_failed");
        assertThat(result.fieldErrors()).containsExactlyElementsOf(problems);
        assertThat(result.attempts()).isZero();
        assertThat(handler.calls()).as("a rejected command is never executed").isEmpty();
    }

    @Test
    void commandWhoseDeadlineHasPassedFailsWithoutACall() throws Exception {
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        ExecutionResult result = run(handler, command(T0.minusSeconds(1)));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.attempts()).isZero();
        assertThat(handler.calls()).isEmpty();
    }

    // ---- success and retries ----

    @Test
    void successOnTheFirstAttemptCarriesTheHandlersResult() throws Exception {
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(result.userId()).isEqualTo("user-1");
        assertThat(result.details()).containsEntry("note", "done");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.startedAt()).isEqualTo(T0);
        assertThat(result.completedAt()).isEqualTo(T0);
        assertThat(handler.calls()).containsExactly(1);
        assertThat(handler.keys()).as("the idempotency key is scoped by issuer").containsExactly("issuer-a:key-1");
        assertThat(retriesScheduled).hasValue(0);
    }

    @Test
    void transientFailureIsRetriedAndTheSecondAttemptSucceeds() throws Exception {
        ScriptedHandler handler = new ScriptedHandler().then(unreachable()).then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(handler.calls()).containsExactly(1, 2);
        assertThat(retriesScheduled).hasValue(1);
    }

    @Test
    void transientFailuresUntilTheLastAttemptEndRetriesExhausted() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(unreachable())
                .then(unavailable(null))
                .then(unreachable())
                .then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("retries_exhausted");
        assertThat(result.attempts()).isEqualTo(retry.maxAttempts());
        assertThat(result.errorMessage()).startsWith("logto_unreachable: ");
        assertThat(handler.calls()).as("no attempt beyond maxAttempts").containsExactly(1, 2, 3);
        assertThat(retriesScheduled).hasValue(2);
    }

    @Test
    void retryThatWouldStartAfterTheDeadlineIsNotMade() throws Exception {
        // Logto asks for a minute's pause; the deadline is ten seconds away: the command ends now.
        ScriptedHandler handler =
                new ScriptedHandler().then(unavailable(Duration.ofMinutes(1))).then(ok());

        ExecutionResult result = run(handler, command(T0.plusSeconds(10)));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.errorMessage()).startsWith("http_503: ");
        assertThat(result.httpStatus()).isEqualTo(503);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
    }

    @Test
    void deadlinePassingWhileARetryWaitsForTheBudgetEndsTheCommandWithoutSpendingAnAttempt() throws Exception {
        budget = RetryBudget.of(0, 0);
        while (budget.tryRetry()) {
            // drain the budget: no retry may be sent until the deadline
        }
        ScriptedHandler handler = new ScriptedHandler().then(unreachable()).then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(T0.plusSeconds(30)));
        assertThat(firstRetryScheduled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        clock.set(T0.plusSeconds(31));
        ExecutionResult result = pending.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.errorMessage()).startsWith("retry budget spent until the command's deadline");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
    }

    // ---- decided failures ----

    @Test
    void permanentLogtoAnswerFailsWithItsCodeAndIsNotRetried() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(fail(new LogtoApiException("create user", 422, "user.username_already_in_use", "taken", null)))
                .then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("user.username_already_in_use");
        assertThat(result.httpStatus()).isEqualTo(422);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
        assertThat(retriesScheduled).hasValue(0);
    }

    @Test
    void commandFailureEndsTheCommandWithItsCode() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(fail(new CommandFailure("user_not_found", "no user has that externalId", 404)))
                .then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("user_not_found");
        assertThat(result.errorMessage()).isEqualTo("no user has that externalId");
        assertThat(result.httpStatus()).isEqualTo(404);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
    }

    @Test
    void capacityWaitExpiredEndsTheCommandAsDeadlineExceededWithoutRetry() throws Exception {
        ScriptedHandler handler =
                new ScriptedHandler().then(fail(new LogtoCapacityWaitExpired())).then(ok());

        ExecutionResult result = run(handler, command(T0.plusSeconds(60)));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
    }

    @Test
    void handlerResultFailedIsPassedThroughAsIs() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(ctx -> Future.succeededFuture(HandlerResult.failed("user-1", "some_code", "why", 409)));

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("some_code");
        assertThat(result.httpStatus()).isEqualTo(409);
        assertThat(result.attempts()).isEqualTo(1);
    }

    @Test
    void unexpectedExceptionEndsInternalErrorNamingOnlyTheClass() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(fail(new IllegalStateException("password=" + CANARY)))
                .then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.toString())
                .as("the exception's message goes nowhere in the result")
                .doesNotContain(CANARY);
        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("internal_error");
        assertThat(result.errorMessage()).isEqualTo("IllegalStateException");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).as("a bug is not retried").containsExactly(1);
    }

    @Test
    void exceptionThrownByExecuteItselfIsHandledLikeAFailedFuture() throws Exception {
        ScriptedHandler handler = new ScriptedHandler().then(ctx -> {
            throw new IllegalArgumentException(CANARY);
        });

        ExecutionResult result = run(handler, command(null));

        assertThat(result.toString()).doesNotContain(CANARY);
        assertThat(result.errorCode()).isEqualTo("internal_error");
        assertThat(result.errorMessage()).isEqualTo("IllegalArgumentException");
    }

    // ---- partition lease ----

    @Test
    void commandOfARevokedPartitionIsAbandonedBeforeAnyCall() throws Exception {
        lease.revoke(Duration.ZERO);
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(null));

        assertThatThrownBy(() -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CallFencedException.class);
        assertThat(handler.calls()).isEmpty();
    }

    @Test
    void revocationCancelsAPendingRetryAndAbandonsTheCommandAtOnce() throws Exception {
        // Retry-After of ten minutes: had the timer not been cancelled, the future would not end within the wait.
        ScriptedHandler handler =
                new ScriptedHandler().then(unavailable(Duration.ofMinutes(10))).then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(null));
        assertThat(firstRetryScheduled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(pending).isNotDone();

        lease.revoke(Duration.ZERO); // from this (non event-loop) thread, as the consumer thread does

        assertThatThrownBy(() -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CallFencedException.class);
        assertThat(handler.calls()).as("no call after the revocation").containsExactly(1);
    }

    @Test
    void fencedCallAbandonsTheCommand() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(fail(new CallFencedException("not ours")))
                .then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(null));

        assertThatThrownBy(() -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CallFencedException.class);
        assertThat(handler.calls()).containsExactly(1);
    }

    @Test
    void transientFailureSeenAfterTheRevocationIsNotRetried() throws Exception {
        ScriptedHandler handler = new ScriptedHandler()
                .then(ctx -> {
                    lease.revoke(Duration.ZERO);
                    return Future.failedFuture(
                            new LogtoTransportException("get user", new ConnectException("closing"), false));
                })
                .then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(null));

        assertThatThrownBy(() -> pending.get(WAIT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CallFencedException.class);
        assertThat(handler.calls()).containsExactly(1);
        assertThat(retriesScheduled).hasValue(0);
    }

    // ---- circuit breaker ----

    @Test
    void openBreakerDelaysTheFirstAttemptWithoutSpendingIt() throws Exception {
        MutableClock breakerClock = new MutableClock(T0);
        breaker = new CircuitBreaker(1, Duration.ofMinutes(1), Duration.ofMinutes(5), breakerClock);
        breaker.onTransientFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        retry = new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(10));
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(null));
        awaitContext();
        // The breaker's clock stands still: it stays open, so no call may happen however long this takes.
        Thread.sleep(100);
        assertThat(handler.calls()).as("no call while the breaker is open").isEmpty();
        assertThat(pending).isNotDone();

        breakerClock.set(T0.plus(Duration.ofMinutes(2)));
        ExecutionResult result = pending.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(result.attempts())
                .as("waiting for the breaker spent no attempt")
                .isEqualTo(1);
        assertThat(handler.calls()).containsExactly(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void failureThatOpensTheBreakerDoesNotSpendTheAttempt() throws Exception {
        // One attempt allowed; each transient failure opens the breaker (or fails its probe), so the command waits
        // for Logto instead of running out of attempts.
        breaker = new CircuitBreaker(1, Duration.ofMillis(10), Duration.ofMillis(20), Clock.systemUTC());
        retry = new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(10));
        ScriptedHandler handler =
                new ScriptedHandler().then(unreachable()).then(unreachable()).then(ok());

        ExecutionResult result = run(handler, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(handler.calls()).as("every call was attempt 1").containsExactly(1, 1, 1);
        assertThat(retriesScheduled).hasValue(0);
    }

    @Test
    void deadlinePassingWhileTheBreakerIsOpenEndsTheCommand() throws Exception {
        MutableClock breakerClock = new MutableClock(T0);
        breaker = new CircuitBreaker(1, Duration.ofMinutes(1), Duration.ofMinutes(5), breakerClock);
        breaker.onTransientFailure();
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(T0.plusSeconds(30)));
        awaitContext(); // the command has started and found the breaker open
        clock.set(T0.plusSeconds(31));
        ExecutionResult result = pending.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.errorMessage()).isEqualTo("Logto was unavailable until the command's deadline");
        assertThat(result.attempts()).isZero();
        assertThat(handler.calls()).isEmpty();
    }

    @Test
    void commandPastItsDeadlineIsNotStartedWhenTheBreakerLetsAProbeThrough() throws Exception {
        MutableClock breakerClock = new MutableClock(T0);
        breaker = new CircuitBreaker(1, Duration.ofMinutes(1), Duration.ofMinutes(5), breakerClock);
        breaker.onTransientFailure();
        ScriptedHandler handler = new ScriptedHandler().then(ok());

        CompletableFuture<ExecutionResult> pending = start(handler, command(T0.plusSeconds(30)));
        awaitContext(); // the command has started and found the breaker open
        // Before the command asks again, its deadline passes and the breaker half-opens.
        clock.set(T0.plusSeconds(31));
        breakerClock.set(T0.plus(Duration.ofMinutes(2)));
        ExecutionResult result = pending.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(handler.calls()).as("no call after the deadline").isEmpty();
        assertThat(result.status()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(result.errorCode()).isEqualTo("deadline_exceeded");
        assertThat(result.attempts()).isZero();
        assertThat(breaker.tryAcquire())
                .as("the probe is left to a command that may still run")
                .isTrue();
    }

    static Stream<Throwable> probeEndingsWithoutAVerdict() {
        return Stream.of(
                new IllegalStateException("a bug in a handler"),
                new LogtoCapacityWaitExpired(),
                new CallFencedException("partition revoked"));
    }

    /**
     * A half-open breaker lets one probe through and waits for its verdict. When the probe command ends without one
     * (a bug in its handler: internal_error; a call never sent: capacity wait expired; a revoked partition: abandoned),
     * the executor used to tell the breaker nothing, the probe stayed "in flight" and every later command waited for
     * ever; now it frees the probe slot ({@link CircuitBreaker#onNoVerdict}).
     */
    @ParameterizedTest
    @MethodSource("probeEndingsWithoutAVerdict")
    void probeThatEndsWithoutAVerdictDoesNotLeaveTheBreakerHalfOpenForGood(Throwable ending) throws Exception {
        MutableClock breakerClock = new MutableClock(T0);
        breaker = new CircuitBreaker(1, Duration.ofMinutes(1), Duration.ofMinutes(5), breakerClock);
        breaker.onTransientFailure();
        breakerClock.set(T0.plus(Duration.ofMinutes(2))); // half-open: the next command is the probe
        ScriptedHandler probe = new ScriptedHandler().then(fail(ending));
        start(probe, command(null)).handle((r, e) -> null).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(probe.calls()).containsExactly(1);

        ScriptedHandler next = new ScriptedHandler().then(ok());
        ExecutionResult result = run(next, command(null));

        assertThat(result.status()).isEqualTo(OutcomeStatus.SUCCEEDED);
    }

    // ---- helpers ----

    private CommandExecutor executor() {
        return new CommandExecutor(
                vertx,
                logto,
                new ReferenceMap(),
                retry,
                new CommandExecutor.Protection(breaker, CallLimiter.fixed(4, Clock.systemUTC()), budget),
                type -> {
                    retriesScheduled.incrementAndGet();
                    firstRetryScheduled.countDown();
                },
                clock);
    }

    /** Starts the command on a Vert.x event loop, as the command loop does. */
    private CompletableFuture<ExecutionResult> start(ScriptedHandler handler, MfaReset command) {
        CommandExecutor executor = executor();
        CompletableFuture<ExecutionResult> result = new CompletableFuture<>();
        context.runOnContext(v -> executor.execute(handler, command, null, lease)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        result.complete(ar.result());
                    } else {
                        result.completeExceptionally(ar.cause());
                    }
                }));
        return result;
    }

    /** Returns once everything queued on the command's context so far has run (contexts run tasks in order). */
    private void awaitContext() throws Exception {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        context.runOnContext(v -> reached.complete(null));
        reached.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private ExecutionResult run(ScriptedHandler handler, MfaReset command) throws Exception {
        return start(handler, command).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static MfaReset command(Instant deadline) {
        return MfaReset.newBuilder()
                .setMeta(CommandMeta.newBuilder()
                        .setCommandId("cmd-1")
                        .setIdempotencyKey("key-1")
                        .setIssuer("issuer-a")
                        .setIssuedAt(T0.minusSeconds(5))
                        .setDeadline(deadline)
                        .build())
                .setUser(new UserRef(UserRefKind.ID, "user-1"))
                .build();
    }

    private static Function<ExecutionContext, Future<HandlerResult>> ok() {
        return ctx -> Future.succeededFuture(HandlerResult.succeeded("user-1", Map.of("note", "done")));
    }

    private static Function<ExecutionContext, Future<HandlerResult>> fail(Throwable error) {
        return ctx -> Future.failedFuture(error);
    }

    /** No answer: a refused connection (not an overload signal). */
    private static Function<ExecutionContext, Future<HandlerResult>> unreachable() {
        return fail(new LogtoTransportException("get user", new ConnectException("refused"), false));
    }

    private static Function<ExecutionContext, Future<HandlerResult>> unavailable(Duration retryAfter) {
        return fail(new LogtoApiException("get user", 503, null, "busy", retryAfter));
    }

    /** A handler whose executions follow a script; records the attempt number of each call. */
    private static final class ScriptedHandler implements CommandHandler<MfaReset> {
        private final List<FieldError> problems;
        private final Deque<Function<ExecutionContext, Future<HandlerResult>>> script = new ArrayDeque<>();
        private final List<Integer> calls = new CopyOnWriteArrayList<>();
        private final List<String> keys = new CopyOnWriteArrayList<>();

        ScriptedHandler() {
            this(List.of());
        }

        ScriptedHandler(List<FieldError> problems) {
            this.problems = problems;
        }

        ScriptedHandler then(Function<ExecutionContext, Future<HandlerResult>> step) {
            script.addLast(step);
            return this;
        }

        List<Integer> calls() {
            return List.copyOf(calls);
        }

        List<String> keys() {
            return List.copyOf(keys);
        }

        @Override
        public Class<MfaReset> commandType() {
            return MfaReset.class;
        }

        @Override
        public String action() {
            return "test.scripted";
        }

        @Override
        public CommandMeta meta(MfaReset command) {
            return command.getMeta();
        }

        @Override
        public Optional<UserRef> target(MfaReset command) {
            return Optional.of(command.getUser());
        }

        @Override
        public List<FieldError> validate(MfaReset command) {
            return problems;
        }

        @Override
        public List<String> changedFields(MfaReset command) {
            return List.of();
        }

        @Override
        public Future<HandlerResult> execute(MfaReset command, ExecutionContext context) {
            calls.add(context.attempt());
            keys.add(context.idempotencyKey());
            Function<ExecutionContext, Future<HandlerResult>> step;
            synchronized (script) {
                step = script.pollFirst();
            }
            if (step == null) {
                throw new AssertionError("the handler was called more often than scripted");
            }
            return step.apply(context);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
