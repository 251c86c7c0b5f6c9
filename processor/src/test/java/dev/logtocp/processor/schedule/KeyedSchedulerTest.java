package dev.logtocp.processor.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyedSchedulerTest {
    private final List<String> started = new ArrayList<>();
    private final List<Promise<Void>> running = new ArrayList<>();

    private java.util.function.Supplier<Future<?>> work(String name) {
        return () -> {
            started.add(name);
            Promise<Void> p = Promise.promise();
            running.add(p);
            return p.future();
        };
    }

    @Test
    void runsOneItemPerKeyAtATimeInSubmissionOrder() {
        KeyedScheduler scheduler = new KeyedScheduler(10);
        scheduler.submit("u1", work("u1-a"));
        scheduler.submit("u1", work("u1-b"));
        scheduler.submit("u2", work("u2-a"));

        assertThat(started).containsExactly("u1-a", "u2-a");
        running.get(0).complete();
        assertThat(started).containsExactly("u1-a", "u2-a", "u1-b");
    }

    @Test
    void neverExceedsTheGlobalLimitAndStartsWaitingKeysInOrder() {
        KeyedScheduler scheduler = new KeyedScheduler(2);
        scheduler.submit("a", work("a"));
        scheduler.submit("b", work("b"));
        scheduler.submit("c", work("c"));
        scheduler.submit("d", work("d"));

        assertThat(started).containsExactly("a", "b");
        assertThat(scheduler.inFlight()).isEqualTo(2);
        running.get(1).complete();
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(scheduler.inFlight()).isEqualTo(2);
    }

    @Test
    void aBusyKeyGoesToTheBackOfTheLineSoOthersAreNotStarved() {
        KeyedScheduler scheduler = new KeyedScheduler(1);
        scheduler.submit("hot", work("hot-1"));
        scheduler.submit("hot", work("hot-2"));
        scheduler.submit("cold", work("cold-1"));

        running.get(0).complete();
        assertThat(started).containsExactly("hot-1", "cold-1");
        running.get(1).complete();
        assertThat(started).containsExactly("hot-1", "cold-1", "hot-2");
    }

    @Test
    void aFailingItemReleasesItsKey() {
        KeyedScheduler scheduler = new KeyedScheduler(1);
        scheduler.submit("k", () -> {
            throw new IllegalStateException("boom");
        });
        scheduler.submit("k", work("after"));

        assertThat(started).containsExactly("after");
        running.get(0).complete();
        assertThat(scheduler.activeKeys()).isZero();
        assertThat(scheduler.inFlight()).isZero();
    }

    @Test
    void workThatCompletesImmediatelyDoesNotRecurseThroughTheStack() {
        // Skipped or DUPLICATE commands complete synchronously; a long run of them must not nest one call per item.
        KeyedScheduler scheduler = new KeyedScheduler(1);
        scheduler.submit("blocker", work("blocker"));
        int[] ran = new int[1];
        for (int i = 0; i < 200_000; i++) {
            scheduler.submit("key-" + (i % 50_000), () -> {
                ran[0]++;
                return Future.succeededFuture();
            });
        }
        assertThat(ran[0]).isZero();
        running.get(0).complete();
        assertThat(ran[0]).isEqualTo(200_000);
        assertThat(scheduler.inFlight()).isZero();
        assertThat(scheduler.activeKeys()).isZero();
    }
    /** The commit barrier: a key's next item waits for the previous one to settle; its slot serves others meanwhile. */
    @Test
    void aStagedItemFreesItsSlotWhenDoneButItsKeyOnlyWhenSettled() {
        KeyedScheduler scheduler = new KeyedScheduler(1);
        List<Promise<Void>> settled = new ArrayList<>();
        java.util.function.Function<String, java.util.function.Supplier<KeyedScheduler.Running>> staged =
                name -> () -> {
                    started.add(name);
                    Promise<Void> done = Promise.promise();
                    Promise<Void> committed = Promise.promise();
                    running.add(done);
                    settled.add(committed);
                    return new KeyedScheduler.Running(done.future(), committed.future());
                };
        scheduler.submitStaged("u1", staged.apply("u1-a"));
        scheduler.submitStaged("u1", staged.apply("u1-b"));
        scheduler.submitStaged("u2", staged.apply("u2-a"));

        running.get(0).complete();
        assertThat(started)
                .as("the slot went to another key; u1 waits for its commit")
                .containsExactly("u1-a", "u2-a");
        assertThat(scheduler.inFlight()).isEqualTo(1);
        running.get(1).complete();
        assertThat(started).as("a free slot does not release an unsettled key").containsExactly("u1-a", "u2-a");
        settled.get(0).complete();
        assertThat(started).containsExactly("u1-a", "u2-a", "u1-b");
    }
}
