package dev.logtocp.processor.logto;

import io.vertx.core.Future;

/**
 * The door every Logto request passes just before it goes on the wire. {@link #enter} completes when the request
 * may leave (and counts it as on the wire until {@link #exit}), or fails with {@link CallFencedException} when it
 * must never leave. The processor's implementation is a partition's ownership lease: a request leaves only while
 * this instance owns the command's partition and its group membership is confirmed.
 *
 * <p>Called on the caller's Vert.x context; never blocks. A future from {@link #enter} that waits completes on
 * that same context.
 */
public interface CallGate {

    /** A gate that always opens: for tools and tests that call Logto outside the engine. */
    CallGate OPEN = new CallGate() {
        @Override
        public Future<Void> enter() {
            return Future.succeededFuture();
        }

        @Override
        public void exit() {}
    };

    Future<Void> enter();

    /** The request that {@link #enter} let through has ended: answered, failed or timed out. */
    void exit();
}
