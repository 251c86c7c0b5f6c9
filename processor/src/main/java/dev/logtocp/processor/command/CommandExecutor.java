package dev.logtocp.processor.command;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.outcomes.FieldError;
import dev.logtocp.processor.idempotency.ReferenceMap;
import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.logto.CallLimiter;
import dev.logtocp.processor.logto.CircuitBreaker;
import dev.logtocp.processor.logto.LogtoCapacityWaitExpired;
import dev.logtocp.processor.logto.LogtoClient;
import dev.logtocp.processor.logto.LogtoException;
import dev.logtocp.processor.logto.RetryBudget;
import dev.logtocp.processor.ownership.PartitionLease;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command to its end: validate, then execute its handler, retrying transient failures with backoff until
 * it succeeds, fails permanently, runs out of attempts or passes its deadline. Completes with an
 * {@link ExecutionResult}, so that every command gets exactly one outcome, with one exception: when the command's
 * partition is taken from this instance ({@link PartitionLease} no longer owned), the command is abandoned: its
 * pending retry is cancelled, no further Logto call is made, and the future fails with
 * {@link CallFencedException}, so that no output is built for work that belongs to the next owner.
 *
 * <p>Protecting Logto: an overload answer (429, 5xx, timeout) is first the concurrency limit's business and counts
 * towards the circuit breaker only once the limit cannot go lower, so the breaker opens on outages, not on load;
 * every retry takes a token from the {@link RetryBudget}, and a retry the budget refuses waits another backoff
 * period without spending an attempt.
 *
 * <p>Called on the Vert.x event loop; never blocks (backoff uses timers).
 */
public final class CommandExecutor {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandExecutor.class);

    private final Vertx vertx;
    private final LogtoClient logto;
    private final ReferenceMap references;
    private final RetryPolicy retry;
    private final CircuitBreaker breaker;
    private final CallLimiter limiter;
    private final RetryBudget budget;
    private final RetryListener retries;
    private final Clock clock;

    /**
     * What protects Logto from this processor's calls: the circuit breaker (outages), the concurrency limit
     * (overload) and the retry budget (retry storms).
     */
    public record Protection(CircuitBreaker breaker, CallLimiter limiter, RetryBudget budget) {}

    /** Told each time a command is scheduled for another attempt (for metrics). */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(String commandType);
    }

    public CommandExecutor(
            Vertx vertx,
            LogtoClient logto,
            ReferenceMap references,
            RetryPolicy retry,
            Protection protection,
            RetryListener retries,
            Clock clock) {
        this.vertx = vertx;
        this.logto = logto;
        this.references = references;
        this.retry = retry;
        this.breaker = protection.breaker();
        this.limiter = protection.limiter();
        this.budget = protection.budget();
        this.retries = retries;
        this.clock = clock;
    }

    /**
     * @param traceparent the command's W3C traceparent, continued on every Logto call; null when it had none
     * @param partition   the command record's partition, which scopes its externalId references
     */
    public <C extends SpecificRecord> Future<ExecutionResult> execute(
            CommandHandler<C> handler, C command, String traceparent, PartitionLease lease) {
        int partition = lease.partition().partition();
        CommandMeta meta = handler.meta(command);
        List<FieldError> problems = handler.validate(command);
        if (!problems.isEmpty()) {
            return Future.succeededFuture(ExecutionResult.rejected(
                    "validation_failed", "the command has invalid fields", problems, clock.instant()));
        }
        Instant startedAt = clock.instant();
        if (pastDeadline(meta)) {
            return Future.succeededFuture(ExecutionResult.undecided(
                    "deadline_exceeded",
                    "the command's deadline passed before it started",
                    null,
                    0,
                    startedAt,
                    clock.instant()));
        }
        Promise<ExecutionResult> done = Promise.promise();
        LogtoClient traced =
                logto.traced(traceparent).withDeadline(meta.getDeadline()).gated(lease);
        Attempts<C> attempts = new Attempts<>(
                handler,
                command,
                meta,
                startedAt,
                done,
                traced,
                new UserResolver(traced, references, partition),
                lease);
        attempt(attempts, 1);
        return done.future();
    }

    /** Everything that stays the same across the attempts of one command. */
    private record Attempts<C extends SpecificRecord>(
            CommandHandler<C> handler,
            C command,
            CommandMeta meta,
            Instant startedAt,
            Promise<ExecutionResult> done,
            LogtoClient logto,
            UserResolver users,
            PartitionLease lease) {}

    private <C extends SpecificRecord> void attempt(Attempts<C> a, int attempt) {
        if (!a.lease().owned()) {
            abandon(a);
            return;
        }
        if (pastDeadline(a.meta())) {
            // Checked before the breaker is asked: a command past its deadline is not started, and never takes the
            // half-open breaker's one probe.
            a.done()
                    .tryComplete(ExecutionResult.undecided(
                            "deadline_exceeded",
                            breaker.isOpen()
                                    ? "Logto was unavailable until the command's deadline"
                                    : "the command's deadline passed before its next attempt",
                            null,
                            attempt - 1,
                            a.startedAt(),
                            clock.instant()));
            return;
        }
        if (!breaker.tryAcquire()) {
            // Logto is considered down: wait without spending an attempt, unless the deadline passes meanwhile.
            later(a, Math.min(1000, breaker.retryIn().toMillis()), () -> attempt(a, attempt));
            return;
        }
        CommandHandler<C> handler = a.handler();
        C command = a.command();
        CommandMeta meta = a.meta();
        Instant startedAt = a.startedAt();
        Promise<ExecutionResult> done = a.done();
        ExecutionContext context = new ExecutionContext(a.logto(), a.users(), scopedKey(meta), attempt);
        Future<HandlerResult> execution;
        try {
            execution = handler.execute(command, context);
        } catch (RuntimeException e) {
            execution = Future.failedFuture(e);
        }
        execution.onComplete(ar -> {
            if (ar.succeeded()) {
                breaker.onSuccess();
                budget.onAnswered();
                done.tryComplete(ExecutionResult.ofHandler(ar.result(), attempt, startedAt, clock.instant()));
                return;
            }
            Throwable error = ar.cause();
            boolean decided =
                    error instanceof CommandFailure || (error instanceof LogtoException answer && !answer.retryable());
            if (error instanceof CallFencedException || (!decided && !a.lease().owned())) {
                // The partition is no longer ours: a retry may not be sent, and an error seen while the instance
                // closes (its HTTP client going away) says nothing about the command. Its next owner runs it.
                breaker.onNoVerdict();
                abandon(a);
            } else if (error instanceof CommandFailure failure) {
                breaker.onSuccess();
                budget.onAnswered();
                done.tryComplete(
                        failed(failure.code(), failure.getMessage(), failure.httpStatus(), attempt, startedAt));
            } else if (error instanceof LogtoCapacityWaitExpired expired) {
                // Never sent: nothing to tell the budget; a probe slot it held is freed.
                breaker.onNoVerdict();
                done.tryComplete(ExecutionResult.undecided(
                        expired.outcomeCode(), expired.getMessage(), null, attempt, startedAt, clock.instant()));
            } else if (error instanceof LogtoException logtoError && logtoError.retryable()) {
                if (!(logtoError.overloadSignal() && limiter.canShrink())
                        || breaker.state() != CircuitBreaker.State.CLOSED) {
                    // An outage, or an overload the limit can no longer absorb; a probe's result always counts.
                    breaker.onTransientFailure();
                }
                if (breaker.isOpen()) {
                    // Logto is down (this failure opened the breaker, or was a failed probe): it says nothing about
                    // the command, so the attempt is not spent; the command waits for the breaker like the others.
                    later(a, Math.max(1, Math.min(1000, breaker.retryIn().toMillis())), () -> attempt(a, attempt));
                    return;
                }
                retryOrGiveUp(a, attempt, logtoError);
            } else if (error instanceof LogtoException logtoError) {
                breaker.onPermanentAnswer();
                budget.onAnswered();
                done.tryComplete(failed(
                        logtoError.outcomeCode(),
                        logtoError.getMessage(),
                        logtoError.httpStatus().orElse(null),
                        attempt,
                        startedAt));
            } else {
                // A bug, not a Logto answer: end the command visibly rather than loop on it. Only the class name
                // is kept; messages of unexpected exceptions may carry request data.
                LOGGER.atError()
                        .addKeyValue("commandId", meta.getCommandId())
                        .addKeyValue("issuer", meta.getIssuer())
                        .addKeyValue("action", handler.action())
                        .addKeyValue("error", error.getClass().getName())
                        .log("handler failed unexpectedly");
                LOGGER.debug("unexpected handler failure", error);
                breaker.onNoVerdict();
                done.tryComplete(ExecutionResult.undecided(
                        "internal_error", error.getClass().getSimpleName(), null, attempt, startedAt, clock.instant()));
            }
        });
    }

    private <C extends SpecificRecord> void retryOrGiveUp(Attempts<C> a, int attempt, LogtoException error) {
        CommandMeta meta = a.meta();
        Instant startedAt = a.startedAt();
        Promise<ExecutionResult> done = a.done();
        Duration delay = retry.delayBefore(attempt + 1, error.retryAfter());
        boolean deadlineHit =
                meta.getDeadline() != null && clock.instant().plus(delay).isAfter(meta.getDeadline());
        if (!retry.mayRetry(attempt) || deadlineHit) {
            String message = error.outcomeCode() + ": " + error.getMessage();
            Integer status = error.httpStatus().orElse(null);
            done.tryComplete(
                    deadlineHit
                            ? ExecutionResult.undecided(
                                    "deadline_exceeded", message, status, attempt, startedAt, clock.instant())
                            : ExecutionResult.exhausted(message, status, attempt, startedAt, clock.instant()));
            return;
        }
        LOGGER.atDebug()
                .addKeyValue("commandId", meta.getCommandId())
                .addKeyValue("idempotencyKey", meta.getIdempotencyKey())
                .addKeyValue("issuer", meta.getIssuer())
                .addKeyValue("attempt", attempt + 1)
                .addKeyValue("delayMs", delay.toMillis())
                .addKeyValue("errorCode", error.outcomeCode())
                .log("retrying after a transient failure");
        retries.retrying(a.command().getSchema().getName());
        later(a, Math.max(1, delay.toMillis()), () -> retryWithinBudget(a, attempt + 1, error));
    }

    /**
     * Runs execution number {@code next} if the retry budget has a token; otherwise waits another backoff period,
     * without spending the attempt, unless that would pass the command's deadline.
     */
    private <C extends SpecificRecord> void retryWithinBudget(Attempts<C> a, int next, LogtoException error) {
        if (!a.lease().owned()) {
            abandon(a);
            return;
        }
        if (budget.tryRetry()) {
            attempt(a, next);
            return;
        }
        Duration delay = retry.delayBefore(next, Optional.empty()).plus(retry.baseDelay());
        if (a.meta().getDeadline() != null
                && clock.instant().plus(delay).isAfter(a.meta().getDeadline())) {
            a.done()
                    .tryComplete(ExecutionResult.undecided(
                            "deadline_exceeded",
                            "retry budget spent until the command's deadline;" + " last error " + error.outcomeCode()
                                    + ": " + error.getMessage(),
                            error.httpStatus().orElse(null),
                            next - 1,
                            a.startedAt(),
                            clock.instant()));
            return;
        }
        later(a, Math.max(1, delay.toMillis()), () -> retryWithinBudget(a, next, error));
    }

    /**
     * Runs {@code next} after {@code delayMillis}, unless the partition is revoked first: then the timer is cancelled
     * at once and the command abandoned, so a revoked partition leaves no retry behind. Called on the command's
     * context; the revocation may come from the consumer thread, so the abandonment hops back onto that context.
     */
    private <C extends SpecificRecord> void later(Attempts<C> a, long delayMillis, Runnable next) {
        Context context = Vertx.currentContext();
        long[] registration = {-1};
        long timer = vertx.setTimer(delayMillis, id -> {
            a.lease().forget(registration[0]);
            next.run();
        });
        registration[0] = a.lease().onRevoke(() -> {
            if (vertx.cancelTimer(timer)) {
                if (context == null) {
                    abandon(a);
                } else {
                    context.runOnContext(v -> abandon(a));
                }
            }
        });
        if (registration[0] < 0 && vertx.cancelTimer(timer)) {
            abandon(a);
        }
    }

    private <C extends SpecificRecord> void abandon(Attempts<C> a) {
        LOGGER.atDebug()
                .addKeyValue("commandId", a.meta().getCommandId())
                .addKeyValue("partition", a.lease().partition())
                .log("command abandoned: its partition is no longer owned by this instance");
        a.done().tryFail(new CallFencedException("partition " + a.lease().partition() + " is no longer owned"));
    }

    private boolean pastDeadline(CommandMeta meta) {
        return meta.getDeadline() != null && clock.instant().isAfter(meta.getDeadline());
    }

    /** (issuer, key) scope: two issuers using the same key never share an idempotency identity. */
    static String scopedKey(CommandMeta meta) {
        return meta.getIssuer() + ":" + meta.getIdempotencyKey();
    }

    private ExecutionResult failed(String code, String message, Integer httpStatus, int attempts, Instant startedAt) {
        return ExecutionResult.failed(code, message, httpStatus, attempts, startedAt, clock.instant());
    }
}
