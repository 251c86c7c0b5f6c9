package dev.logtocp.bench;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The send times and outcome arrivals of one batch of commands ({@code warm}, {@code burst} or {@code paced}).
 * The load driver writes send times; the outcome watcher records arrivals. Arrivals are matched by the index in
 * the command id, so no per-command map is needed.
 *
 * <p>Threading: {@code sentAt} is written before the record is sent and read only after its outcome arrived
 * (happens-before through Kafka is not given in Java terms, so reads go through the monitor as well).
 */
final class Phase {
    final String name;
    final int count;
    private final long[] sentAt;
    private final long[] latency;
    private final BitSet seen;
    private int arrived;
    private int duplicates;
    private int failed;
    private long firstSent = Long.MAX_VALUE;
    private long firstArrival = Long.MAX_VALUE;
    private long lastArrival;

    Phase(String name, int count) {
        this.name = name;
        this.count = count;
        this.sentAt = new long[count];
        this.latency = new long[count];
        this.seen = new BitSet(count);
    }

    synchronized void sent(int index, long atMillis) {
        sentAt[index] = atMillis;
        firstSent = Math.min(firstSent, atMillis);
    }

    synchronized void arrived(int index, long atMillis, boolean succeeded) {
        if (index < 0 || index >= count) {
            return;
        }
        if (seen.get(index)) {
            duplicates++;
            return;
        }
        seen.set(index);
        latency[index] = atMillis - sentAt[index];
        arrived++;
        if (!succeeded) {
            failed++;
        }
        firstArrival = Math.min(firstArrival, atMillis);
        lastArrival = Math.max(lastArrival, atMillis);
        if (arrived == count) {
            notifyAll();
        }
    }

    /** Waits until every command has its outcome or the timeout passed; true when complete. */
    synchronized boolean await(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (arrived < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 500));
        }
        return true;
    }

    /** Outcomes that arrived in each whole second after {@code fromMillis}, for {@code seconds} seconds. */
    synchronized int[] arrivalsPerSecond(long fromMillis, int seconds) {
        int[] buckets = new int[seconds];
        for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
            long at = sentAt[i] + latency[i] - fromMillis;
            if (at >= 0 && at / 1000 < seconds) {
                buckets[(int) (at / 1000)]++;
            }
        }
        return buckets;
    }

    synchronized long firstSent() {
        return firstSent;
    }

    synchronized int arrived() {
        return arrived;
    }

    synchronized int duplicates() {
        return duplicates;
    }

    synchronized int failed() {
        return failed;
    }

    /** When the first outcome arrived (epoch ms), or 0 if none has. */
    synchronized long firstArrival() {
        return arrived == 0 ? 0 : firstArrival;
    }

    /** Outcomes per second from the first send to the last outcome. */
    synchronized double throughput() {
        if (arrived == 0) {
            return 0;
        }
        return arrived * 1000.0 / Math.max(1, lastArrival - firstSent);
    }

    synchronized double elapsedSeconds() {
        return arrived == 0 ? 0 : (lastArrival - firstSent) / 1000.0;
    }

    /** Latency percentile in ms over the outcomes that arrived, e.g. {@code percentile(0.99)}. */
    synchronized long percentile(double q) {
        long[] values = new long[arrived];
        int j = 0;
        for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
            values[j++] = latency[i];
        }
        if (values.length == 0) {
            return -1;
        }
        Arrays.sort(values);
        // Nearest-rank: the smallest value with at least q of the samples at or below it.
        int rank = (int) Math.ceil(q * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }
}
