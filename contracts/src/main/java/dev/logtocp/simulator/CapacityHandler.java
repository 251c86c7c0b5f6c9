package dev.logtocp.simulator;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts each request through the {@link CapacityModel} before its route runs, when a model is set: the request is
 * answered by its route once the model lets it through, or with Logto's 500 when a wait for a database connection
 * runs out. With no model set (the default) requests pass straight through.
 *
 * <p>Threading: requests arrive on the simulator's single event loop, and the engine is driven from there by one
 * Vert.x timer armed for its next event, so the loop never blocks. {@link #set} may be called from any thread; it
 * hands the change to the event loop.
 */
final class CapacityHandler implements Handler<RoutingContext> {

    static final JsonObject INTERNAL_ERROR = new JsonObject().put("message", "Internal server error.");

    private final Vertx vertx;
    private final Context context;
    private final long origin = System.nanoTime();
    private volatile CapacityModel current;
    private CapacityEngine engine;
    private long timerId = -1;
    private long timerAt = Long.MAX_VALUE;
    /** Stats of engines switched off, so counters survive a change of model. */
    private long admittedBefore;

    private long failedBefore;

    CapacityHandler(Vertx vertx, Context context, CapacityModel initial) {
        this.vertx = vertx;
        this.context = context;
        if (initial != null) {
            apply(initial);
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (engine == null) {
            ctx.next();
            return;
        }
        engine.submit(kind(ctx.request().method(), ctx.request().path()), now(), new CapacityEngine.Outcome() {
            @Override
            public void admitted() {
                ctx.next();
            }

            @Override
            public void failed() {
                Http.send(ctx, Reply.of(500, INTERNAL_ERROR.copy()));
            }
        });
        arm();
    }

    static CapacityEngine.Kind kind(HttpMethod method, String path) {
        if (method == HttpMethod.POST && (path.equals("/api/users") || path.equals("/api/users/"))) {
            return CapacityEngine.Kind.CREATE;
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || path.startsWith("/oidc/")) {
            return CapacityEngine.Kind.READ;
        }
        return CapacityEngine.Kind.WRITE;
    }

    /** The model in force, or empty when capacity is unlimited. Any thread. */
    Optional<CapacityModel> model() {
        return Optional.ofNullable(current);
    }

    /** Sets the model (null: unlimited) and returns once the event loop applied it. Not from the event loop. */
    void set(CapacityModel model) {
        if (Vertx.currentContext() != null && Context.isOnEventLoopThread()) {
            apply(model);
            return;
        }
        CompletableFuture<Void> applied = new CompletableFuture<>();
        context.runOnContext(v -> {
            apply(model);
            applied.complete(null);
        });
        try {
            applied.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while changing the capacity model", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the simulator did not apply the capacity model", e);
        }
    }

    /** Event loop only. */
    void apply(CapacityModel model) {
        current = model;
        if (model == null) {
            if (engine != null) {
                CapacityEngine old = engine;
                engine = null;
                cancelTimer();
                // Requests that were waiting now go through, as if the server had suddenly become fast enough.
                old.drain();
                admittedBefore += old.stats().admitted();
                failedBefore += old.stats().failed();
            }
            return;
        }
        if (engine == null) {
            engine = new CapacityEngine(model, 1);
        } else {
            engine.reconfigure(model, now());
        }
        arm();
    }

    /** Counters and the current load of the model; event loop only. */
    JsonObject stats() {
        JsonObject out = new JsonObject().put("enabled", engine != null);
        if (current != null) {
            out.put("model", current.toJson());
        }
        long admitted = admittedBefore;
        long failed = failedBefore;
        if (engine != null) {
            engine.advance(now());
            CapacityEngine.Stats s = engine.stats();
            admitted += s.admitted();
            failed += s.failed();
            out.put("connectionsInUse", s.inUse())
                    .put("peakConnectionsInUse", s.peakInUse())
                    .put("waitingForConnection", s.waiting())
                    .put("peakWaitingForConnection", s.peakWaiting())
                    .put("requestsInProgress", s.active())
                    .put("serverBacklogMs", s.serverBacklogNanos() / 1e6);
            arm();
        }
        return out.put("admitted", admitted).put("rejected", failed);
    }

    /** Stats from any thread (a snapshot taken on the event loop). */
    JsonObject statsFromAnyThread() {
        if (Vertx.currentContext() != null && Context.isOnEventLoopThread()) {
            return stats();
        }
        CompletableFuture<JsonObject> out = new CompletableFuture<>();
        context.runOnContext(v -> out.complete(stats()));
        try {
            return out.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading capacity stats", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the simulator did not report capacity stats", e);
        }
    }

    private long now() {
        return System.nanoTime() - origin;
    }

    /** Keeps exactly one timer, for the engine's next event; Vert.x timers have millisecond resolution. */
    private void arm() {
        if (engine == null) {
            return;
        }
        long next = engine.nextEventAt();
        if (next == Long.MAX_VALUE) {
            cancelTimer();
            return;
        }
        if (timerId >= 0 && timerAt <= next) {
            return;
        }
        cancelTimer();
        long delayMillis = Math.max(1, (next - now() + 999_999) / 1_000_000);
        timerAt = next;
        timerId = vertx.setTimer(delayMillis, id -> {
            timerId = -1;
            timerAt = Long.MAX_VALUE;
            if (engine != null) {
                engine.advance(now());
                arm();
            }
        });
    }

    private void cancelTimer() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
            timerAt = Long.MAX_VALUE;
        }
    }
}
