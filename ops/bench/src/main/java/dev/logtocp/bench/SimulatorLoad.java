package dev.logtocp.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast the simulator itself answers (no injected latency, loopback): {@code concurrency} closed-loop workers
 * on one Vert.x WebClient, half {@code POST /api/users}, half {@code GET /api/users/{id}} of a user created
 * earlier, for a fixed time. This caps every bench figure, so it belongs next to them.
 */
final class SimulatorLoad {
    private SimulatorLoad() {}

    /** Requests per second and latency percentiles (ms) of one run. */
    record Result(
            int concurrency, double seconds, long requests, long errors, double perSecond, double p50Ms, double p99Ms) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("concurrency", concurrency)
                    .put("seconds", RunResult.round(seconds))
                    .put("requests", requests)
                    .put("errors", errors)
                    .put("requestsPerSecond", RunResult.round(perSecond))
                    .put("latencyP50Ms", RunResult.round(p50Ms))
                    .put("latencyP99Ms", RunResult.round(p99Ms));
        }
    }

    static Result run(SimulatorProcess logto, int concurrency, double seconds) throws Exception {
        logto.reset();
        logto.setLatency(0);
        Vertx vertx = Vertx.vertx();
        try {
            URI base = URI.create(logto.endpoint());
            WebClient web = WebClient.create(
                    vertx,
                    new WebClientOptions()
                            .setKeepAlive(true)
                            .setDefaultHost(base.getHost())
                            .setDefaultPort(base.getPort()),
                    new PoolOptions().setHttp1MaxSize(concurrency));
            String token = token(web, logto);
            List<String> ids = new ArrayList<>();
            AtomicLong requests = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicInteger serial = new AtomicInteger();
            long[] samples = new long[1 << 20];
            AtomicInteger sampleCount = new AtomicInteger();
            // Seed a few users so GETs have targets from the start.
            for (int i = 0; i < 100; i++) {
                HttpResponse<Buffer> r = create(web, token, "seed_" + i)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                ids.add(r.bodyAsJsonObject().getString("id"));
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Future<Void>> workers = new ArrayList<>();
            // One context for every worker: the ids list is then only touched from its event loop.
            Context context = vertx.getOrCreateContext();
            for (int w = 0; w < concurrency; w++) {
                Promise<Void> done = Promise.promise();
                context.runOnContext(
                        v -> loop(web, token, ids, end, requests, errors, serial, samples, sampleCount, done));
                workers.add(done.future());
            }
            Future.all(workers).toCompletionStage().toCompletableFuture().get((long) seconds + 60, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] lat = Arrays.copyOf(samples, Math.min(samples.length, sampleCount.get()));
            Arrays.sort(lat);
            return new Result(
                    concurrency,
                    elapsed,
                    requests.get(),
                    errors.get(),
                    requests.get() / elapsed,
                    pct(lat, 0.5),
                    pct(lat, 0.99));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            logto.reset();
        }
    }

    // Runs on the single context above, so the ids list needs no lock.
    private static void loop(
            WebClient web,
            String token,
            List<String> ids,
            long end,
            AtomicLong requests,
            AtomicLong errors,
            AtomicInteger serial,
            long[] samples,
            AtomicInteger sampleCount,
            Promise<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete();
            return;
        }
        long t0 = System.nanoTime();
        boolean write = ThreadLocalRandom.current().nextBoolean();
        Future<HttpResponse<Buffer>> call = write
                ? create(web, token, "load_" + serial.incrementAndGet())
                : web.get("/api/users/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size())))
                        .bearerTokenAuthentication(token)
                        .send();
        call.onComplete(ar -> {
            requests.incrementAndGet();
            if (ar.failed() || ar.result().statusCode() >= 300) {
                errors.incrementAndGet();
            } else if (write) {
                ids.add(ar.result().bodyAsJsonObject().getString("id"));
            }
            int i = sampleCount.getAndIncrement();
            if (i < samples.length) {
                samples[i] = System.nanoTime() - t0;
            }
            loop(web, token, ids, end, requests, errors, serial, samples, sampleCount, done);
        });
    }

    private static Future<HttpResponse<Buffer>> create(WebClient web, String token, String username) {
        return web.post("/api/users")
                .bearerTokenAuthentication(token)
                .sendJsonObject(new JsonObject().put("username", username).put("name", "Load " + username));
    }

    private static String token(WebClient web, SimulatorProcess logto) throws Exception {
        HttpResponse<Buffer> r = web.post("/oidc/token")
                .basicAuthentication(logto.appId(), logto.appSecret())
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "client_credentials")
                        .add("resource", logto.resource())
                        .add("scope", "all"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return r.bodyAsJsonObject().getString("access_token");
    }

    private static double pct(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }
}
