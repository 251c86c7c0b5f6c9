package dev.logtocp.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.config.HttpSettings;
import dev.logtocp.processor.http.HttpEndpoint;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests under {@code ops/deploy/kubernetes}, checked without a cluster: every setting they give
 * the processor is one it knows, the instance id and static member id are the pod name, the probes and the scrape
 * path answer on a real processor HTTP endpoint, secrets arrive only as files, and the resources match the
 * benchmark's heap figure.
 */
@SuppressWarnings("unchecked")
class KubernetesManifestsTest {
    private static final Path OPS = Path.of(System.getProperty("user.dir"));
    private static final Path DIR = OPS.resolve("deploy/kubernetes");
    private static final Set<String> SECRETS =
            Set.of("LOGTO_M2M_APP_SECRET", "HTTP_ADMIN_TOKEN", "SERDE_BASIC_AUTH_USER_INFO");

    static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var in = Files.newInputStream(f)) {
                    for (Object doc : new Yaml().loadAll(in)) {
                        if (doc != null) {
                            docs.add((Map<String, Object>) doc);
                        }
                    }
                }
            }
        }
        return docs;
    }

    static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
        return docs.stream()
                .filter(d -> kind.equals(d.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + DIR));
    }

    static Map<String, Object> at(Map<String, Object> map, String... path) {
        Map<String, Object> m = map;
        for (String p : path) {
            m = (Map<String, Object>) m.get(p);
        }
        return m;
    }

    static Map<String, Object> container(Map<String, Object> statefulSet) {
        return ((List<Map<String, Object>>)
                        at(statefulSet, "spec", "template", "spec").get("containers"))
                .get(0);
    }

    /** Env entries by name: a literal value (String) or a valueFrom map. */
    static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> out = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            out.put(
                    (String) e.get("name"),
                    e.containsKey("value") ? String.valueOf(e.get("value")) : e.get("valueFrom"));
        }
        return out;
    }

    /** True when {@code name} comes from the pod's own name (the downward API). */
    static boolean isPodName(Map<String, Object> env, String name) {
        return env.get(name) instanceof Map<?, ?> from
                && from.get("fieldRef") instanceof Map<?, ?> ref
                && "metadata.name".equals(ref.get("fieldPath"));
    }

    @Test
    void everySettingIsOneTheProcessorKnowsAndSecretsComeOnlyFromFiles() throws IOException {
        Set<String> documented =
                DeployFilesTest.documentedKeys(Files.readString(OPS.getParent().resolve("README.md")));
        List<Map<String, Object>> docs = documents();
        Map<String, Object> sts = kind(docs, "StatefulSet");
        Map<String, Object> c = container(sts);
        Map<String, Object> env = env(c);
        Map<String, Object> config =
                (Map<String, Object>) kind(docs, "ConfigMap").get("data");
        List<String> keys = new ArrayList<>(env.keySet());
        keys.addAll(config.keySet());
        keys.remove("JAVA_TOOL_OPTIONS"); // read by the JVM, not the processor
        assertThat(keys)
                .contains(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "SCHEMA_REGISTRY_URL",
                        "LOGTO_ENDPOINT",
                        "LOGTO_M2M_APP_ID",
                        "LOGTO_M2M_APP_SECRET_FILE",
                        "HTTP_ADMIN_TOKEN_FILE",
                        "STATE_DIR");
        assertThat(keys)
                .allSatisfy(k -> assertThat(DeployFilesTest.known(k, documented))
                        .as("%s is not in the README configuration table", k)
                        .isTrue());
        assertThat(keys).as("secrets are given as files, never as values").noneMatch(SECRETS::contains);

        // Every *_FILE names a file under a mounted volume.
        List<String> mounts = ((List<Map<String, Object>>) c.get("volumeMounts"))
                .stream().map(m -> (String) m.get("mountPath")).toList();
        env.forEach((k, v) -> {
            if (k.endsWith("_FILE")) {
                assertThat(mounts)
                        .as("%s=%s is on a mounted volume", k, v)
                        .anyMatch(m -> ((String) v).startsWith(m + "/"));
            }
        });
        assertThat(mounts).contains((String) env.get("STATE_DIR"));
        List<Map<String, Object>> cm = (List<Map<String, Object>>) c.get("envFrom");
        assertThat(at(cm.get(0), "configMapRef").get("name"))
                .isEqualTo(at(kind(docs, "ConfigMap"), "metadata").get("name"));
    }

    @Test
    void theInstanceIdAndTheStaticMemberIdAreThePodName() throws IOException {
        Map<String, Object> env = env(container(kind(documents(), "StatefulSet")));
        assertThat(isPodName(env, "PROCESSOR_INSTANCE_ID")).isTrue();
        assertThat(isPodName(env, "KAFKA_CLIENT_GROUP_INSTANCE_ID")).isTrue();
        // Negative control: a literal id is not wired to the pod name.
        Map<String, Object> literal = new HashMap<>(env);
        literal.put("PROCESSOR_INSTANCE_ID", "instance-0");
        assertThat(isPodName(literal, "PROCESSOR_INSTANCE_ID")).isFalse();
    }

    @Test
    void probesAndTheScrapePathAnswerOnARealProcessorEndpoint() throws Exception {
        List<Map<String, Object>> docs = documents();
        Map<String, Object> sts = kind(docs, "StatefulSet");
        Map<String, Object> c = container(sts);
        Map<String, Object> env = env(c);
        int port = (Integer) ((List<Map<String, Object>>) c.get("ports")).get(0).get("containerPort");
        assertThat((String) env.get("HTTP_BIND")).isEqualTo("0.0.0.0:" + port);
        String live = (String) at(c, "livenessProbe", "httpGet").get("path");
        String ready = (String) at(c, "readinessProbe", "httpGet").get("path");
        String startup = (String) at(c, "startupProbe", "httpGet").get("path");
        Map<String, Object> annotations = at(sts, "spec", "template", "metadata", "annotations");
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(port));
        String scrape = (String) annotations.get("prometheus.io/path");

        Vertx vertx = Vertx.vertx();
        HttpEndpoint endpoint = HttpEndpoint.start(
                vertx, new HttpSettings("127.0.0.1", 0), new ProcessorMetrics(), null, () -> true, () -> false, null);
        try {
            HttpClient http = HttpClient.newHttpClient();
            java.util.function.Function<String, Integer> status = path -> {
                try {
                    return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(status.apply(live)).isEqualTo(200);
            assertThat(status.apply(startup)).isEqualTo(200);
            assertThat(status.apply(ready))
                    .as("not ready yet, but the path exists")
                    .isEqualTo(503);
            assertThat(status.apply(scrape)).isEqualTo(200);
            assertThat(status.apply("/health/nothing"))
                    .as("negative control: an unknown path")
                    .isEqualTo(404);
        } finally {
            endpoint.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @Test
    void resourcesFollowTheBenchmarkAndShutdownHasTimeToDrain() throws IOException {
        List<Map<String, Object>> docs = documents();
        Map<String, Object> sts = kind(docs, "StatefulSet");
        Map<String, Object> c = container(sts);
        String jvm = (String) env(c).get("JAVA_TOOL_OPTIONS");
        assertThat(jvm).contains("-Xmx512m");
        Map<String, Object> requests = at(c, "resources", "requests");
        Map<String, Object> limits = at(c, "resources", "limits");
        assertThat(mebibytes((String) requests.get("memory"))).isGreaterThan(512);
        assertThat(mebibytes((String) limits.get("memory")))
                .isGreaterThanOrEqualTo(mebibytes((String) requests.get("memory")));
        assertThat(requests).containsKeys("cpu", "ephemeral-storage");
        int grace = (Integer) at(sts, "spec", "template", "spec").get("terminationGracePeriodSeconds");
        String shutdown =
                (String) ((Map<String, Object>) kind(docs, "ConfigMap").get("data")).get("SHUTDOWN_TIMEOUT_MS");
        assertThat(grace * 1000L).isGreaterThan(Long.parseLong(shutdown));

        Map<String, Object> labels = at(sts, "spec", "template", "metadata", "labels");
        Map<String, Object> pdb = kind(docs, "PodDisruptionBudget");
        assertThat(labels).containsAllEntriesOf(at(pdb, "spec", "selector", "matchLabels"));
        assertThat(at(pdb, "spec").get("maxUnavailable")).isEqualTo(1);
        assertThat(at(sts, "spec").get("serviceName"))
                .isEqualTo(docs.stream()
                        .filter(d -> "Service".equals(d.get("kind"))
                                && "None".equals(at(d, "spec").get("clusterIP")))
                        .map(d -> at(d, "metadata").get("name"))
                        .findFirst()
                        .orElseThrow());
    }

    private static int mebibytes(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Integer.parseInt(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        return Integer.parseInt(quantity.substring(0, quantity.length() - 2));
    }
}
