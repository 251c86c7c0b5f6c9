package dev.logtocp.view;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends outcomes and audit events to the history of the user they are keyed by (the record's key is a
 * {@link HistoryKeys#index} key), pairing the two events of one processing into one {@link HistoryEntry}. Entries
 * are numbered 1, 2, 3... per user in the order their first event reaches the view, which for a record key is the
 * order the processor committed them: its commands' order. Runs on the Kafka Streams thread that owns the task.
 */
final class HistoryProcessor implements Processor<String, ViewEvent, Void, Void> {
    private KeyValueStore<Bytes, HistoryEntry> entries;
    private KeyValueStore<String, Long> counts;
    private KeyValueStore<String, PendingHalves> pending;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        entries = context.getStateStore(ViewTopology.HISTORY_STORE);
        counts = context.getStateStore(ViewTopology.HISTORY_COUNT_STORE);
        pending = context.getStateStore(ViewTopology.HISTORY_PENDING_STORE);
    }

    @Override
    public void process(Record<String, ViewEvent> record) {
        String index = record.key();
        ViewEvent event = record.value();
        if (index == null || event == null) {
            return;
        }
        String pendingKey = HistoryKeys.pending(index, event.joinId());
        PendingHalves halves = pending.get(pendingKey);
        halves = halves == null ? PendingHalves.none() : halves;
        if (!halves.waitingFor(event).isEmpty()) {
            long seq = halves.waitingFor(event).get(0);
            Bytes key = HistoryKeys.entry(index, seq);
            HistoryEntry entry = entries.get(key);
            if (entry != null) {
                entries.put(key, entry.with(event));
            }
            halves = halves.served(event);
        } else {
            Long count = counts.get(index);
            long seq = (count == null ? 0 : count) + 1;
            counts.put(index, seq);
            entries.put(HistoryKeys.entry(index, seq), HistoryEntry.started(seq, event));
            halves = halves.started(event, seq);
        }
        if (halves.settled()) {
            pending.delete(pendingKey);
        } else {
            pending.put(pendingKey, halves);
        }
    }
}
