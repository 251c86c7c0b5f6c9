package dev.logtocp.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bench reads back from a processor child's log: whether it ran out of heap, and when it restored its
 * state. The processor logs one JSON object per line by default ({@code "timestamp":<epoch ms>}, key-values as
 * {@code {"records":"123"}}); with {@code LOG_FORMAT=TEXT} a line starts with an ISO time and ends with
 * {@code records="123"}. Both are understood; a line neither matches is skipped, never guessed at.
 */
final class ChildLog {
    /** The message {@code LedgerRestorer} logs once per state partition (ledger or references) it read records from. */
    static final String RESTORED = "restored processor state";

    private static final Pattern JSON_TIME = Pattern.compile("\"timestamp\":(\\d+)");
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX");
    private static final Pattern RECORDS = Pattern.compile("records\"?[:=]\"?(\\d+)");
    private static final Pattern TOPIC = Pattern.compile("topic\"?[:=]\"?([^\"\\s,}]+)");

    private ChildLog() {}

    /** True when the child printed an {@code OutOfMemoryError} (an uncaught one's stack trace goes to its output). */
    static boolean sawOutOfMemoryError(Path log) {
        boolean[] seen = {false};
        forEachLine(log, line -> seen[0] |= line.contains("OutOfMemoryError"));
        return seen[0];
    }

    /**
     * The "restored processor state" lines: how many, how many ledger records they name, and when the first and
     * the last were logged, counted from {@code launchedAtMillis} (the child's launch). Times are -1 when no line
     * with a readable time was found.
     */
    static JsonObject restore(Path log, long launchedAtMillis) {
        int[] lines = {0};
        long[] ledgerRecords = {0};
        long[] first = {-1};
        long[] last = {-1};
        forEachLine(log, line -> {
            if (!line.contains(RESTORED)) {
                return;
            }
            lines[0]++;
            Matcher records = RECORDS.matcher(line);
            Matcher topic = TOPIC.matcher(line);
            if (records.find() && topic.find() && topic.group(1).endsWith(".ledger")) {
                ledgerRecords[0] += Long.parseLong(records.group(1));
            }
            long at = time(line);
            if (at > 0) {
                first[0] = first[0] < 0 ? at : Math.min(first[0], at);
                last[0] = Math.max(last[0], at);
            }
        });
        return new JsonObject()
                .put("restoredLines", lines[0])
                .put("restoredLedgerRecords", ledgerRecords[0])
                .put("launchToFirstRestoredMs", first[0] < 0 ? -1 : first[0] - launchedAtMillis)
                .put("launchToLastRestoredMs", last[0] < 0 ? -1 : last[0] - launchedAtMillis);
    }

    /** Epoch millis of a log line, or -1 if it has none this class can read. */
    private static long time(String line) {
        Matcher json = JSON_TIME.matcher(line);
        if (json.find()) {
            return Long.parseLong(json.group(1));
        }
        int space = line.indexOf(' ');
        if (space > 0) {
            try {
                return OffsetDateTime.parse(line.substring(0, space), TEXT_TIME)
                        .toInstant()
                        .toEpochMilli();
            } catch (DateTimeParseException notText) {
                return -1;
            }
        }
        return -1;
    }

    private static void forEachLine(Path log, Consumer<String> sink) {
        if (!Files.exists(log)) {
            return;
        }
        // Latin-1 maps every byte to a character, so a stray non-UTF-8 byte cannot abort the scan; all this class
        // looks for is ASCII.
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = in.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
