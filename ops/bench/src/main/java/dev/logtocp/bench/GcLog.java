package dev.logtocp.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap figures of a child JVM from its unified GC log ({@code -Xlog:gc:file=...}), read after it stopped. Every
 * pause line ({@code GC(7) Pause Young (Normal) (G1 Evacuation Pause) 300M->120M(512M) 3.456ms}, also Remark,
 * Cleanup and Full) gives heap used before and after the pause and the committed heap. The GC log sees the whole
 * heap exactly at the moments that matter (when it is fullest, and right after collecting), which a sampler
 * polling from outside would miss.
 */
final class GcLog {
    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) (Pause \\S+).*?(\\d+(?:\\.\\d+)?)([BKMG])->(\\d+(?:\\.\\d+)?)([BKMG])\\((\\d+(?:\\.\\d+)?)([BKMG])\\) (\\d+(?:\\.\\d+)?)ms");

    private GcLog() {}

    /**
     * @param pauses          stop-the-world pauses logged
     * @param fullPauses      of which {@code Pause Full}: the heap was too small for the collector to keep up
     * @param peakBeforeMiB   highest heap use at the start of a pause: the most the JVM held at once
     * @param peakAfterMiB    highest heap use right after a pause: an upper bound of the live set (a young pause
     *                        leaves old garbage in place)
     * @param peakCommittedMiB highest committed heap
     */
    record Summary(
            int pauses,
            int fullPauses,
            double peakBeforeMiB,
            double peakAfterMiB,
            double peakCommittedMiB,
            double totalPauseMs,
            double maxPauseMs) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("gcPauses", pauses)
                    .put("gcFullPauses", fullPauses)
                    .put("gcPauseTotalMs", RunResult.round(totalPauseMs))
                    .put("gcPauseMaxMs", RunResult.round(maxPauseMs))
                    .put("heapPeakUsedBeforeGcMiB", RunResult.round(peakBeforeMiB))
                    .put("heapPeakUsedAfterGcMiB", RunResult.round(peakAfterMiB))
                    .put("heapPeakCommittedMiB", RunResult.round(peakCommittedMiB));
        }
    }

    /** Reads every pause line of {@code file}; all zeros when it is missing or holds none. */
    static Summary read(Path file) {
        int pauses = 0;
        int full = 0;
        double before = 0;
        double after = 0;
        double committed = 0;
        double total = 0;
        double max = 0;
        if (Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = PAUSE.matcher(line);
                    if (!m.find()) {
                        continue;
                    }
                    pauses++;
                    if (m.group(1).equals("Pause Full")) {
                        full++;
                    }
                    before = Math.max(before, mib(m.group(2), m.group(3)));
                    after = Math.max(after, mib(m.group(4), m.group(5)));
                    committed = Math.max(committed, mib(m.group(6), m.group(7)));
                    double ms = Double.parseDouble(m.group(8));
                    total += ms;
                    max = Math.max(max, ms);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Summary(pauses, full, before, after, committed, total, max);
    }

    private static double mib(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "B" -> v / 1048576;
            case "K" -> v / 1024;
            case "M" -> v;
            default -> v * 1024;
        };
    }
}
