package dev.logtocp.processor.console;

import dev.logtocp.processor.deadletter.DeadLetter;
import dev.logtocp.processor.deadletter.DeadLetterRedrive;
import dev.logtocp.processor.deadletter.RedriveMarkers;
import dev.logtocp.processor.deadletter.TopicSnapshot;
import dev.logtocp.schema.registry.SchemaRegistryClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The console's reads of the dead-letter topic and its redrives. Every method blocks on Kafka or the registry and
 * runs on a console worker thread, never on an event loop; redrives run on a single-threaded worker, one at a time.
 *
 * <p>A redrive goes through a plan first: the operator sees what a selection (positions, or an error class)
 * covers and confirms with the plan's id, a digest of the dead letters it names. If the selection changed in
 * between (new dead letters of the class arrived), the ids differ and nothing is sent.
 */
final class ConsoleDeadLetters {
    /** Most dead letters one class redrive sends; the plan says when there are more. */
    static final int MAX_PER_REDRIVE = 1000;
    /** Most records one listing scans. */
    static final int MAX_SCAN = 200_000;

    private final Map<String, Object> client;
    private final String deadLetterTopic;
    private final String markerTopic;
    private final SchemaRegistryClient registry;
    private final String instanceId;

    ConsoleDeadLetters(
            Map<String, Object> client,
            String deadLetterTopic,
            String markerTopic,
            SchemaRegistryClient registry,
            String instanceId) {
        this.client = Map.copyOf(client);
        this.deadLetterTopic = deadLetterTopic;
        this.markerTopic = markerTopic;
        this.registry = registry;
        this.instanceId = instanceId;
    }

    String markerTopic() {
        return markerTopic;
    }

    /** The newest {@code limit} dead letters (of {@code errorClass} when given), counts by class, redrive state. */
    JsonObject list(String errorClass, int limit) throws InterruptedException {
        Map<String, String> redriven = markers();
        Map<String, Integer> byClass = new TreeMap<>();
        // Summaries only: a value is held while its record is looked at, never for the whole listing.
        Deque<JsonObject> newest = new ArrayDeque<>();
        int[] scanned = {0};
        boolean truncated = scan(r -> {
            DeadLetter d = DeadLetter.of(r);
            byClass.merge(String.valueOf(d.errorClass()), 1, Integer::sum);
            if (errorClass == null || errorClass.equals(d.errorClass())) {
                newest.addLast(DeadLetterView.summary(d, redriven.get(d.id())).put("epochMillis", d.timestamp()));
                if (newest.size() > limit) {
                    newest.removeFirst();
                }
            }
            scanned[0]++;
        });
        List<JsonObject> items = new ArrayList<>(newest);
        items.sort(Comparator.comparingLong((JsonObject j) -> j.getLong("epochMillis"))
                .reversed());
        JsonArray out = new JsonArray();
        items.forEach(j -> out.add(j.copy()));
        return new JsonObject()
                .put("topic", deadLetterTopic)
                .put("markerTopic", markerTopic)
                .put("scanned", scanned[0])
                .put("truncated", truncated)
                .put("byClass", new JsonObject(new LinkedHashMap<>(byClass)))
                .put("redrivenCount", redriven.size())
                .put("items", out);
    }

    /** One dead letter, rendered with secrets masked; empty when there is none at that position. */
    Optional<JsonObject> detail(int partition, long offset) throws InterruptedException {
        Optional<DeadLetter> found = read(partition, offset);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DeadLetter d = found.get();
        return Optional.of(DeadLetterView.detail(d, markers().get(d.id()), registry::schemaById));
    }

    /** What a selection covers, with the id that confirms exactly that. */
    JsonObject plan(Selection selection) throws InterruptedException {
        Map<String, String> redriven = markers();
        return planOf(chosen(selection, redriven), redriven, selection);
    }

    /**
     * Redrives the selection if {@code confirm} is the id of its current plan; otherwise returns the new plan
     * with {@code confirmed=false} and sends nothing.
     */
    JsonObject redrive(Selection selection, String confirm) throws InterruptedException {
        Map<String, String> redriven = markers();
        List<DeadLetter> chosen = chosen(selection, redriven);
        JsonObject plan = planOf(chosen, redriven, selection);
        if (!plan.getString("planId").equals(confirm)) {
            return plan.put("confirmed", false);
        }
        DeadLetterRedrive redrive =
                new DeadLetterRedrive(client, deadLetterTopic, markerTopic, "console:" + instanceId);
        JsonArray results = new JsonArray();
        int sent = 0;
        for (DeadLetterRedrive.Result r : redrive.redrive(chosen, null)) {
            if (r.status() == DeadLetterRedrive.Status.REDRIVEN) {
                sent++;
            }
            results.add(new JsonObject()
                    .put("id", r.letter().id())
                    .put("position", r.letter().position())
                    .put("status", r.status().name())
                    .put("detail", r.detail()));
        }
        return new JsonObject()
                .put("confirmed", true)
                .put("planId", confirm)
                .put("redriven", sent)
                .put("skipped", chosen.size() - sent)
                .put("results", results);
    }

    /** Which dead letters an operator chose: listed positions, or every one of an error class. */
    record Selection(List<long[]> positions, String errorClass) {
        static Selection of(JsonObject body) {
            JsonArray positions = body.getJsonArray("positions");
            String errorClass = body.getString("errorClass");
            if ((positions == null || positions.isEmpty()) == (errorClass == null || errorClass.isBlank())) {
                throw new IllegalArgumentException("give either positions (e.g. [\"0:12\"]) or errorClass, not both");
            }
            List<long[]> parsed = new ArrayList<>();
            if (positions != null) {
                if (positions.size() > MAX_PER_REDRIVE) {
                    throw new IllegalArgumentException("at most " + MAX_PER_REDRIVE + " positions at once");
                }
                for (Object p : positions) {
                    long[] pos = DeadLetter.parsePosition(String.valueOf(p));
                    if (pos == null) {
                        throw new IllegalArgumentException("a position is PARTITION:OFFSET, e.g. 0:12");
                    }
                    parsed.add(pos);
                }
            }
            return new Selection(List.copyOf(parsed), positions == null || positions.isEmpty() ? errorClass : null);
        }
    }

    private List<DeadLetter> chosen(Selection selection, Map<String, String> redriven) {
        List<DeadLetter> chosen = new ArrayList<>();
        if (selection.errorClass() == null) {
            for (long[] pos : selection.positions()) {
                chosen.add(read((int) pos[0], pos[1])
                        .orElseThrow(() -> new IllegalArgumentException("no dead letter at " + pos[0] + ":" + pos[1])));
            }
            return chosen;
        }
        scan(r -> {
            if (chosen.size() < MAX_PER_REDRIVE) {
                DeadLetter d = DeadLetter.of(r);
                // Only letters still to send count against the cap; ones already redriven stay out of the plan.
                if (selection.errorClass().equals(d.errorClass()) && !redriven.containsKey(d.id())) {
                    chosen.add(d);
                }
            }
        });
        return chosen;
    }

    private JsonObject planOf(List<DeadLetter> chosen, Map<String, String> redriven, Selection selection) {
        JsonArray items = new JsonArray();
        StringBuilder ids = new StringBuilder();
        int already = 0;
        for (DeadLetter d : chosen) {
            ids.append(d.id()).append('\n');
            if (redriven.containsKey(d.id())) {
                already++;
            }
            items.add(DeadLetterView.summary(d, redriven.get(d.id())));
        }
        return new JsonObject()
                .put("planId", digest(ids.toString()))
                .put("errorClass", selection.errorClass())
                .put("count", chosen.size())
                .put("alreadyRedriven", already)
                .put("toSend", chosen.size() - already)
                .put("capped", selection.errorClass() != null && chosen.size() >= MAX_PER_REDRIVE)
                .put("items", items);
    }

    private Map<String, String> markers() throws InterruptedException {
        try (Admin admin = Admin.create(client)) {
            return new RedriveMarkers(client, markerTopic).redriven(admin);
        }
    }

    /** Reads the whole topic up to its end, at most {@link #MAX_SCAN} records; true when it stopped early. */
    private boolean scan(Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        int[] seen = {0};
        try {
            TopicSnapshot.readToEnd(
                    TopicSnapshot.readerProperties(client),
                    deadLetterTopic,
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(),
                    Duration.ofMinutes(2),
                    r -> {
                        if (seen[0]++ < MAX_SCAN) {
                            sink.accept(r);
                        } else {
                            throw new ScanFull();
                        }
                    });
            return false;
        } catch (ScanFull full) {
            return true;
        }
    }

    private static final class ScanFull extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScanFull() {
            super(null, null, false, false);
        }
    }

    /** The record at one position, read directly (no scan). */
    private Optional<DeadLetter> read(int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                TopicSnapshot.readerProperties(client), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(deadLetterTopic, partition);
            if (TopicSnapshot.partitions(consumer, deadLetterTopic).stream().noneMatch(tp::equals)) {
                return Optional.empty();
            }
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), TopicSnapshot.TIMEOUT).get(tp);
            long begin = consumer.beginningOffsets(List.of(tp), TopicSnapshot.TIMEOUT)
                    .get(tp);
            if (offset < begin || offset >= end) {
                return Optional.empty();
            }
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + TopicSnapshot.TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && consumer.position(tp, TopicSnapshot.TIMEOUT) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return Optional.of(DeadLetter.of(r));
                    }
                    if (r.offset() > offset) {
                        return Optional.empty(); // a transaction marker or aborted record sat there
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
