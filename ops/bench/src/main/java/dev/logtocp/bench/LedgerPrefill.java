package dev.logtocp.bench;

import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.schema.wire.WireFormatSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fills a processor's idempotency ledger topic with {@code count} decided commands before any processor starts,
 * so that starting (or restarting) means restoring that many entries. Synthetic but format-identical: each record
 * is what the processor itself writes for a succeeded {@code UserCreate} (key {@link IdempotencyLedger#key} in
 * UTF-8, a {@link LedgerEntry} value in the wire format with the processor's serde settings, decided now so none
 * has expired), only no command, outcome, audit or reference record stands behind it. Entries are spread over the
 * partitions by index, as the hashes of real command keys would spread them.
 */
final class LedgerPrefill {
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private LedgerPrefill() {}

    /**
     * Writes the entries to {@code kafka.ledgerTopic()} (which must exist, with {@code partitions} partitions) and
     * returns once all are acknowledged.
     */
    static void write(KafkaSettings kafka, String runId, int count, int partitions) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("client.id", "bench-ledger-prefill-" + runId);
        p.put("acks", "all");
        // Larger batches than the processor's only so a million records are written in seconds; the restore
        // reads records, and the records are the same.
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(256 * 1024));
        WireFormatSerializer values = new WireFormatSerializer();
        values.configure(serdeProperties(kafka), false);
        MessageDigest sha256 = sha256();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], Object> producer = new KafkaProducer<>(p, new ByteArraySerializer(), values)) {
            for (int i = 0; i < count && failure.get() == null; i++) {
                String idempotencyKey = LoadDriver.commandId(runId, "ledger", i);
                Instant now = Instant.now();
                LedgerEntry entry = LedgerEntry.newBuilder()
                        .setIssuer(LoadDriver.ISSUER)
                        .setIdempotencyKey(idempotencyKey)
                        .setPayloadHash(ByteBuffer.wrap(sha256.digest(idempotencyKey.getBytes(StandardCharsets.UTF_8))))
                        .setCommandType("UserCreate")
                        .setCommandId(idempotencyKey)
                        .setStatus(OutcomeStatus.SUCCEEDED)
                        .setUserId(userId())
                        .setHttpStatus(200)
                        .setDecidedAt(now)
                        .build();
                byte[] key =
                        IdempotencyLedger.key(LoadDriver.ISSUER, idempotencyKey).getBytes(StandardCharsets.UTF_8);
                producer.send(
                        new ProducerRecord<>(kafka.ledgerTopic(), i % partitions, now.toEpochMilli(), key, entry),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                if ((i + 1) % LoadDriver.PROGRESS_EVERY == 0) {
                    BenchRunner.say(String.format(
                            "ledger prefill: %,d of %,d entries sent (%.0f s)",
                            i + 1, count, (System.nanoTime() - start) / 1e9));
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("ledger prefill failed: " + failure.get(), failure.get());
        }
        BenchRunner.say(String.format(
                "ledger prefill: %,d entries in %s in %.1f s",
                count, kafka.ledgerTopic(), (System.nanoTime() - start) / 1e9));
    }

    /** As {@code CommandProcessor.serdeProperties}: the processor's {@code SERDE_*} settings, registry, defaults. */
    private static Map<String, Object> serdeProperties(KafkaSettings kafka) {
        Map<String, Object> p = new HashMap<>(kafka.serdeOverrides());
        p.put("schema.registry.url", kafka.schemaRegistryUrl());
        p.putIfAbsent("auto.register.schemas", "true");
        p.putIfAbsent("specific.avro.reader", "true");
        return p;
    }

    /** A Logto-style user id: 21 lowercase letters and digits. */
    private static String userId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[21];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
