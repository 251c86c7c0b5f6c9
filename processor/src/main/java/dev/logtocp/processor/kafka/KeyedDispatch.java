package dev.logtocp.processor.kafka;

import dev.logtocp.processor.logto.CallFencedException;
import dev.logtocp.processor.schedule.KeyedScheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each command its turn: one command per key at a time, in the order read, within the engine's execution
 * slots. Runs on the scheduler's context (one context, so its per-key state needs no locks); the commands
 * themselves run on one of several execution contexts, chosen by key so a user's commands share one, because one
 * event loop saturates at about a thousand commands a second.
 *
 * <p>A command holds an execution slot until it is done and, with the commit barrier, holds its key until its
 * outcome is committed (or dropped), so a crash re-sends at most the latest command of each key.
 */
final class KeyedDispatch {
    private static final Logger LOGGER = LoggerFactory.getLogger(KeyedDispatch.class);

    private final KeyedScheduler scheduler;
    private final Context schedulerContext;
    private final List<Context> executionContexts;
    private final CommandPipeline pipeline;
    private final boolean commitBarrier;
    /** Commands read and not yet finished (queued or executing); counted up on the consumer thread. */
    private final AtomicInteger inFlight = new AtomicInteger();

    KeyedDispatch(
            int maxInFlight,
            Context schedulerContext,
            List<Context> executionContexts,
            CommandPipeline pipeline,
            boolean commitBarrier) {
        this.scheduler = new KeyedScheduler(maxInFlight);
        this.schedulerContext = schedulerContext;
        this.executionContexts = List.copyOf(executionContexts);
        this.pipeline = pipeline;
        this.commitBarrier = commitBarrier;
    }

    /** Called on the consumer thread: queues the commands read by one poll, in their order. */
    void dispatch(List<AdmittedCommand> commands) {
        if (commands.isEmpty()) {
            return;
        }
        inFlight.addAndGet(commands.size());
        schedulerContext.runOnContext(v -> commands.forEach(this::enqueue));
    }

    /** Commands read and not finished; read by any thread. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * A refused command still goes through its key's queue, so its outcome keeps its place among the user's
     * outcomes.
     */
    private void enqueue(AdmittedCommand admitted) {
        String key = admitted.orderingKey();
        scheduler.submitStaged(key, () -> {
            Promise<Void> settled = Promise.promise();
            Runnable settle = () -> schedulerContext.runOnContext(x -> settled.tryComplete());
            if (!admitted.stillOurs()) {
                inFlight.decrementAndGet();
                return new KeyedScheduler.Running(Future.succeededFuture(), Future.succeededFuture());
            }
            Promise<Void> done = Promise.promise();
            Context worker = executionContexts.get(Math.floorMod(key.hashCode(), executionContexts.size()));
            admitted.lease().workStarted();
            Runnable onCommitted = commitBarrier ? settle : null;
            worker.runOnContext(v -> pipeline.run(admitted, onCommitted).onComplete(ar -> {
                inFlight.decrementAndGet();
                admitted.lease().workEnded();
                if (ar.failed() || !ar.result() || onCommitted == null) {
                    // No completion will settle the key (abandoned work, or no barrier): free it now.
                    settle.run();
                }
                if (ar.failed() && !(ar.cause() instanceof CallFencedException)) {
                    // Only a defect gets here (the executor always completes); the record stays unfinished, so its
                    // offset is never committed past, and the next start runs it again.
                    LOGGER.atError()
                            .addKeyValue("topic", admitted.record().topic())
                            .addKeyValue("partition", admitted.record().partition())
                            .addKeyValue("offset", admitted.record().offset())
                            .addKeyValue("error", ar.cause().toString())
                            .log("command could not be completed");
                }
                schedulerContext.runOnContext(x -> done.complete());
            }));
            return new KeyedScheduler.Running(done.future(), settled.future());
        });
    }
}
