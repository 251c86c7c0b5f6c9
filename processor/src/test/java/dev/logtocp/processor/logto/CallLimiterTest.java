package dev.logtocp.processor.logto;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallLimiterTest {
    private final AtomicLong nanos = new AtomicLong();
    private Vertx vertx;

    @AfterEach
    void close() {
        if (vertx != null) {
            vertx.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
        }
    }

    private CallLimiter fixed(int limit) {
        return new CallLimiter(ConcurrencyLimit.fixed(limit), nanos::get, Clock.systemUTC());
    }

    @Test
    void grantsUpToTheLimitAndQueuesTheRestInOrder() {
        CallLimiter limiter = fixed(2);
        Future<CallLimiter.Permit> a = limiter.acquire(null);
        Future<CallLimiter.Permit> b = limiter.acquire(null);
        Future<CallLimiter.Permit> c = limiter.acquire(null);
        Future<CallLimiter.Permit> d = limiter.acquire(null);

        assertThat(a.succeeded()).isTrue();
        assertThat(b.succeeded()).isTrue();
        assertThat(c.isComplete()).isFalse();
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThat(limiter.waiting()).isEqualTo(2);

        a.result().release(0, CallLimiter.Signal.ANSWERED);
        assertThat(c.succeeded()).as("the first waiter gets the freed permit").isTrue();
        assertThat(d.isComplete()).isFalse();
        assertThat(limiter.inFlight()).isEqualTo(2);

        b.result().release(-1, CallLimiter.Signal.IGNORED);
        assertThat(d.succeeded()).isTrue();
        c.result().release(0, CallLimiter.Signal.OVERLOADED);
        d.result().release(0, CallLimiter.Signal.ANSWERED);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.waiting()).isZero();
    }

    @Test
    void aNewCallerDoesNotOvertakeTheQueue() {
        CallLimiter limiter = fixed(1);
        Future<CallLimiter.Permit> first = limiter.acquire(null);
        Future<CallLimiter.Permit> waiting = limiter.acquire(null);
        first.result().release(0, CallLimiter.Signal.ANSWERED);
        Future<CallLimiter.Permit> late = limiter.acquire(null);

        assertThat(waiting.succeeded()).isTrue();
        assertThat(late.isComplete()).isFalse();
    }

    @Test
    void aPermitCannotBeReleasedTwice() {
        CallLimiter limiter = fixed(1);
        CallLimiter.Permit permit = limiter.acquire(null).result();
        permit.release(0, CallLimiter.Signal.ANSWERED);
        try {
            permit.release(0, CallLimiter.Signal.ANSWERED);
        } catch (IllegalStateException expected) {
            assertThat(limiter.inFlight()).isZero();
            return;
        }
        throw new AssertionError("second release accepted");
    }

    @Test
    void releasedCallsTeachTheLimitAndAGrowingLimitWakesSeveralWaiters() {
        AdaptiveLimit rule = new AdaptiveLimit(1, 2, 64, 0);
        CallLimiter limiter = new CallLimiter(rule, nanos::get, Clock.systemUTC());
        List<Future<CallLimiter.Permit>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(limiter.acquire(null));
        }
        // Answer each granted call after 20 ms of virtual time until the window closes and the limit grows.
        for (int round = 0; round < 20 && limiter.limit() <= 2; round++) {
            nanos.addAndGet(20_000_000L);
            List<Future<CallLimiter.Permit>> granted =
                    calls.stream().filter(f -> f.succeeded()).toList();
            calls.removeAll(granted);
            for (var f : granted) {
                f.result().release(nanos.get() - 20_000_000L, CallLimiter.Signal.ANSWERED);
                calls.add(limiter.acquire(null));
            }
        }
        assertThat(limiter.limit()).isGreaterThan(2);
        assertThat(limiter.inFlight()).as("the grown limit is used at once").isEqualTo(limiter.limit());
    }

    @Test
    void aWaiterIsGrantedOnItsOwnContext() throws Exception {
        vertx = Vertx.vertx();
        CallLimiter limiter = fixed(1);
        CallLimiter.Permit held = limiter.acquire(null).result();
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Boolean> onContext = new CompletableFuture<>();
        context.runOnContext(
                v -> limiter.acquire(null).onSuccess(p -> onContext.complete(Vertx.currentContext() == context)));
        Thread.sleep(50);
        held.release(0, CallLimiter.Signal.ANSWERED); // released from the test thread, not the context
        assertThat(onContext.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aWaiterWhoseDeadlinePassesLeavesTheQueueUnsentAndTakesNoPermit() throws Exception {
        vertx = Vertx.vertx();
        CallLimiter limiter = fixed(1);
        CallLimiter.Permit held = limiter.acquire(null).result();
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        context.runOnContext(v -> limiter.acquire(Instant.now().plusMillis(100))
                .onComplete(ar -> failure.complete(ar.failed() ? ar.cause() : null)));

        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(LogtoCapacityWaitExpired.class);
        assertThat(limiter.waiting()).isZero();
        held.release(0, CallLimiter.Signal.ANSWERED);
        assertThat(limiter.inFlight()).isZero();
        assertThat(new LogtoCapacityWaitExpired().outcomeCode()).isEqualTo("deadline_exceeded");
        assertThat(new LogtoCapacityWaitExpired().retryable()).isFalse();
    }

    @Test
    void aWaiterGrantedBeforeItsDeadlineIsNotFailedLater() throws Exception {
        vertx = Vertx.vertx();
        CallLimiter limiter = fixed(1);
        CallLimiter.Permit held = limiter.acquire(null).result();
        Context context = vertx.getOrCreateContext();
        CompletableFuture<CallLimiter.Permit> granted = new CompletableFuture<>();
        context.runOnContext(v -> limiter.acquire(Instant.now().plusMillis(300)).onSuccess(granted::complete));
        Thread.sleep(50);
        held.release(0, CallLimiter.Signal.ANSWERED);
        CallLimiter.Permit permit = granted.get(5, TimeUnit.SECONDS);
        Thread.sleep(400);
        assertThat(limiter.inFlight()).isEqualTo(1);
        permit.release(0, CallLimiter.Signal.ANSWERED);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void aFixedLimitNeverShrinksSoEveryOverloadReachesTheBreaker() {
        assertThat(fixed(256).canShrink()).isFalse();
        assertThat(CallLimiter.adaptive(1, 8, 256, Clock.systemUTC()).canShrink())
                .isTrue();
        assertThat(CallLimiter.adaptive(1, 1, 256, Clock.systemUTC()).canShrink())
                .isFalse();
    }
}
