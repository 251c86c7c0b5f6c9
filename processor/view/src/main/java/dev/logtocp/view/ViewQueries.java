package dev.logtocp.view;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries of the view's stores: finds the instance that owns a key ({@code queryMetadataForKey}) and,
 * when that is this instance, reads its local store partition. Called on the HTTP event loop; every call is a local
 * metadata lookup or a RocksDB read, never a network call.
 */
final class ViewQueries {
    private static final Serializer<String> KEYS = new StringSerializer();

    /** Where the answer to a query is. */
    sealed interface Answer<T> {}

    /** This instance owns the key; {@code value} is null when the store has nothing for it. */
    record Here<T>(T value) implements Answer<T> {}

    /** Another instance owns the key. */
    record Elsewhere<T>(HostInfo owner) implements Answer<T> {}

    /** Nobody can answer right now (starting, rebalancing, restoring). */
    record Unavailable<T>(String reason) implements Answer<T> {}

    /** A page request: {@code cursor} 0 means from the start (asc) or from the end (desc). */
    record PageRequest(String by, String ref, boolean descending, long cursor, int limit) {}

    private final KafkaStreams streams;
    private final HostInfo self;

    ViewQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    HostInfo self() {
        return self;
    }

    /** The status of (issuer, idempotencyKey); with {@code localOnly}, this instance's store only, owner or not. */
    Answer<CommandStatus> status(String issuer, String idempotencyKey, boolean localOnly) {
        String key = CommandStatus.key(issuer, idempotencyKey);
        return locate(ViewTopology.STATUS_STORE, key, localOnly, partition -> {
            ReadOnlyKeyValueStore<String, CommandStatus> store = streams.store(StoreQueryParameters.fromNameAndType(
                            ViewTopology.STATUS_STORE, QueryableStoreTypes.<String, CommandStatus>keyValueStore())
                    .withPartition(partition));
            return store.get(key);
        });
    }

    /** One page of a user's history, or null (in {@link Here}) when the user has none. */
    Answer<HistoryPage> history(PageRequest request, boolean localOnly) {
        String index = HistoryKeys.index(request.by(), request.ref());
        return locate(ViewTopology.HISTORY_STORE, index, localOnly, partition -> {
            ReadOnlyKeyValueStore<String, Long> counts = streams.store(StoreQueryParameters.fromNameAndType(
                            ViewTopology.HISTORY_COUNT_STORE, QueryableStoreTypes.<String, Long>keyValueStore())
                    .withPartition(partition));
            Long total = counts.get(index);
            if (total == null || total == 0) {
                return null;
            }
            ReadOnlyKeyValueStore<Bytes, HistoryEntry> entries = streams.store(StoreQueryParameters.fromNameAndType(
                            ViewTopology.HISTORY_STORE, QueryableStoreTypes.<Bytes, HistoryEntry>keyValueStore())
                    .withPartition(partition));
            long from;
            long to;
            Long next;
            if (request.descending()) {
                long before = request.cursor() > 0 ? Math.min(request.cursor(), total + 1) : total + 1;
                to = before - 1;
                from = Math.max(1, before - request.limit());
                next = from > 1 ? from : null;
            } else {
                from = request.cursor() + 1;
                to = Math.min(total, request.cursor() + request.limit());
                next = to < total ? to : null;
            }
            List<HistoryEntry> page = new ArrayList<>();
            if (from <= to) {
                Bytes low = HistoryKeys.entry(index, from);
                Bytes high = HistoryKeys.entry(index, to);
                try (KeyValueIterator<Bytes, HistoryEntry> it =
                        request.descending() ? entries.reverseRange(low, high) : entries.range(low, high)) {
                    while (it.hasNext()) {
                        KeyValue<Bytes, HistoryEntry> kv = it.next();
                        page.add(kv.value);
                    }
                }
            }
            return new HistoryPage(
                    request.ref(), request.by(), request.descending() ? "desc" : "asc", total, page, next);
        });
    }

    private interface LocalRead<T> {
        T read(int partition);
    }

    private <T> Answer<T> locate(String storeName, String key, boolean localOnly, LocalRead<T> local) {
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(storeName, key, KEYS);
        } catch (IllegalStateException e) {
            return new Unavailable<>("the view is not running");
        }
        if (metadata == null
                || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return new Unavailable<>("the view is starting or rebalancing");
        }
        if (!self.equals(metadata.activeHost()) && !localOnly) {
            return new Elsewhere<>(metadata.activeHost());
        }
        try {
            return new Here<>(local.read(metadata.partition()));
        } catch (InvalidStateStoreException e) {
            // Not hosted here (only possible with localOnly), or migrating/restoring right now.
            return localOnly && !self.equals(metadata.activeHost())
                    ? new Here<>(null)
                    : new Unavailable<>("the store is restoring or moving: " + e.getMessage());
        }
    }
}
