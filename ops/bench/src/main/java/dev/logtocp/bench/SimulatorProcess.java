package dev.logtocp.bench;

import dev.logtocp.simulator.LogtoSimulatorMain;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Logto simulator in a child JVM. It runs apart from the bench so that its CPU time and heap are not charged
 * to the system being measured, and it is driven over its admin endpoint ({@code /__admin/faults},
 * {@code /__admin/reset}) because nothing else crosses the process boundary.
 */
final class SimulatorProcess implements AutoCloseable {
    private static final Pattern READY =
            Pattern.compile("endpoint=(\\S+) appId=(\\S+) appSecret=(\\S+) resource=(\\S+)");

    private final Process process;
    private final String endpoint;
    private final String appId;
    private final String appSecret;
    private final String resource;
    private final HttpClient admin = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private SimulatorProcess(Process process, Matcher ready) {
        this.process = process;
        this.endpoint = ready.group(1);
        this.appId = ready.group(2);
        this.appSecret = ready.group(3);
        this.resource = ready.group(4);
    }

    /**
     * Starts the child, waits for its "ready" line, and sends everything it prints after that to {@code logFile}.
     *
     * @param maxHeap the child's {@code -Xmx}: the simulator keeps every user it created, about 1.6 KB each, so a
     *                1 GiB simulator stops answering (full GCs) near 650,000 users
     */
    static SimulatorProcess start(Path logFile, Duration timeout, String maxHeap) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                javaBin,
                "-Xms256m",
                "-Xmx" + maxHeap,
                "-XX:+UseG1GC",
                "-cp",
                System.getProperty("java.class.path"),
                LogtoSimulatorMain.class.getName()));
        try {
            Files.createDirectories(logFile.getParent());
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + timeout.toNanos();
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    SimulatorProcess simulator = new SimulatorProcess(process, m);
                    drainTo(out, logFile);
                    return simulator;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException(
                    "Logto simulator child did not report ready within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drainTo(BufferedReader out, Path logFile) {
        Thread t = new Thread(
                () -> {
                    try (var writer = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            writer.write(line);
                            writer.newLine();
                            writer.flush();
                        }
                    } catch (IOException ignored) {
                        // The child went away; nothing more to copy.
                    }
                },
                "simulator-log");
        t.setDaemon(true);
        t.start();
    }

    String endpoint() {
        return endpoint;
    }

    String appId() {
        return appId;
    }

    String appSecret() {
        return appSecret;
    }

    String resource() {
        return resource;
    }

    long pid() {
        return process.pid();
    }

    /** Every request waits {@code latencyMs} (a timer in the simulator, never a blocked thread); 0 clears faults. */
    void setLatency(long latencyMs) {
        if (latencyMs <= 0) {
            send("DELETE", "/__admin/faults", null);
        } else {
            send("PUT", "/__admin/faults", "{\"rules\":[{\"kind\":\"fixedLatency\",\"ms\":" + latencyMs + "}]}");
        }
    }

    /** Forgets users and counters, so that memory does not grow across runs. Issued tokens stay valid. */
    void reset() {
        send("POST", "/__admin/reset", "");
    }

    /** Requests the capacity model failed with 500 so far. */
    long capacityFailures() {
        return new JsonObject(capacityStats()).getLong("rejected", 0L);
    }

    String stats() {
        return send("GET", "/__admin/stats", null);
    }

    /**
     * Sets or changes the simulator's capacity model (contracts/SIMULATOR.md), e.g.
     * {@code {"preset":"logto"}}, {@code {"preset":"logto","scale":0.5}}; returns the model and its counters.
     */
    String setCapacity(String modelJson) {
        return send("PUT", "/__admin/capacity", modelJson);
    }

    /** Removes the capacity limit; requests waiting in the model go through at once. */
    void clearCapacity() {
        send("DELETE", "/__admin/capacity", null);
    }

    /** The capacity model's counters: admitted, rejected (answered 500), connections in use, waiting requests. */
    String capacityStats() {
        return send("GET", "/__admin/capacity", null);
    }

    private String send(String method, String path, String body) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = admin.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(
                        method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        admin.close();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
