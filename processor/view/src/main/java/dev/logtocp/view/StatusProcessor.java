package dev.logtocp.view;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the outcomes of one (issuer, idempotency key) into its {@link CommandStatus}. Runs on the Kafka Streams
 * thread that owns the task; one instance per task.
 */
final class StatusProcessor implements Processor<String, ViewEvent, Void, Void> {
    private KeyValueStore<String, CommandStatus> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ViewTopology.STATUS_STORE);
    }

    @Override
    public void process(Record<String, ViewEvent> record) {
        if (record.value() == null || record.value().outcome() == null) {
            return;
        }
        store.put(
                record.key(),
                CommandStatus.next(store.get(record.key()), record.value().outcome()));
    }
}
