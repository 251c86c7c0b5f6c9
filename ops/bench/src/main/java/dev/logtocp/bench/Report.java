package dev.logtocp.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Turns results into {@code results.json}, {@code throughput.png} and {@code latency-p99.png} in the run's
 * directory, copies the JSON to {@code latest.json} one level up, and prints the table.
 */
final class Report {
    private Report() {}

    static void printTable(List<RunResult> results) {
        System.out.println();
        // cpu-s/1k: the system under test alone; machine-s/1k: bench JVM + broker + simulator (-1: not reported).
        System.out.printf(
                "%-14s %5s %4s %7s %6s | %9s %9s | %6s %6s %6s %8s | %9s %12s %8s | %s%n",
                "system",
                "C",
                "L",
                "K",
                "burst",
                "cmd/s",
                "bound/s",
                "p50",
                "p95",
                "p99",
                "@rate/s",
                "cpu-s/1k",
                "machine-s/1k",
                "heapMiB",
                "note");
        for (RunResult r : results) {
            Scenario s = r.scenario();
            System.out.printf(
                    "%-14s %5d %4d %7d %6d | %9.0f %9.0f | %6d %6d %6d %8.0f | %9.3f %12.3f %8.0f | %s%n",
                    r.system(),
                    s.concurrency(),
                    s.latencyMs(),
                    s.keys(),
                    r.burstCommands(),
                    r.throughput(),
                    r.bound(),
                    r.p50(),
                    r.p95(),
                    r.p99(),
                    r.pacedRate(),
                    r.cpuSecondsPer1k(),
                    r.machineCpuSecondsPer1k(),
                    r.peakHeapBytes() / 1048576.0,
                    r.note());
        }
        System.out.println();
    }

    /**
     * Writes {@code <outRoot>/<stamp>[-mode]/results.json} (+ charts when there are results) and copies it to
     * {@code latest.json}, or {@code latest-<mode>.json} for the side measurements so they do not hide the sweep.
     */
    static Path write(Path outRoot, String stamp, String mode, JsonObject header, List<RunResult> results) {
        try {
            Path dir = outRoot.resolve(mode.isEmpty() ? stamp : stamp + "-" + mode);
            Files.createDirectories(dir);
            JsonArray rows = new JsonArray();
            results.forEach(r -> rows.add(r.toJson()));
            JsonObject doc = header.copy().put("results", rows);
            Path json = dir.resolve("results.json");
            Files.writeString(json, doc.encodePrettily() + "\n", StandardCharsets.UTF_8);
            Files.copy(
                    json,
                    outRoot.resolve(mode.isEmpty() ? "latest.json" : "latest-" + mode + ".json"),
                    StandardCopyOption.REPLACE_EXISTING);
            if (!results.isEmpty()) {
                plot(rows, dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Draws {@code throughput.png} and {@code latency-p99.png} into {@code dir} from result rows as
     * {@code results.json} holds them, so an old run can be drawn again ({@code --replot}).
     */
    static void plot(JsonArray rows, Path dir) throws IOException {
        List<JsonObject> list = new ArrayList<>();
        rows.forEach(row -> list.add((JsonObject) row));
        chart(
                list,
                "Throughput (commands/s, log scale); 'bound' = min(C,K)/L",
                "commands/s",
                "throughputPerSecond",
                true,
                dir.resolve("throughput.png"));
        chart(
                list,
                "End-to-end latency p99 in the paced phase (ms, log scale)",
                "ms",
                "latencyP99Ms",
                false,
                dir.resolve("latency-p99.png"));
    }

    private static String label(JsonObject row) {
        return "C=" + row.getInteger("concurrency") + " L=" + row.getInteger("latencyMs") + "ms K="
                + row.getInteger("keys");
    }

    private static void chart(
            List<JsonObject> rows, String title, String yTitle, String field, boolean withBound, Path file)
            throws IOException {
        Set<String> scenarios = new LinkedHashSet<>();
        Map<String, Map<String, Double>> bySystem = new LinkedHashMap<>();
        Map<String, Double> bound = new LinkedHashMap<>();
        for (JsonObject row : rows) {
            String label = label(row);
            scenarios.add(label);
            bySystem.computeIfAbsent(row.getString("system"), k -> new LinkedHashMap<>())
                    .put(label, row.getDouble(field, 0.0));
            if (!row.getString("system").equals("naive")) {
                bound.put(label, row.getDouble("boundPerSecond"));
            }
        }
        List<String> x = new ArrayList<>(scenarios);
        // A full sweep spans 9 to 200,000 commands/s: only a log axis shows its slow corners, and the width is
        // capped so the picture stays viewable.
        CategoryChart chart = new CategoryChartBuilder()
                .width(Math.min(3200, Math.max(900, 90 * x.size())))
                .height(700)
                .title(title)
                .xAxisTitle("scenario")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(1.0);
        chart.getStyler().setOverlapped(false);
        for (Map.Entry<String, Map<String, Double>> e : bySystem.entrySet()) {
            List<Double> y = new ArrayList<>();
            for (String label : x) {
                // A log axis cannot show 0 or a gap: a scenario a system did not run gets a bar of height 1,
                // which sits on the axis.
                Double v = e.getValue().get(label);
                y.add(v == null || v < 1 ? 1.0 : v);
            }
            chart.addSeries(e.getKey(), x, y);
        }
        if (withBound) {
            List<Double> y = new ArrayList<>();
            for (String label : x) {
                y.add(bound.getOrDefault(label, 1.0));
            }
            chart.addSeries("bound", x, y);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
