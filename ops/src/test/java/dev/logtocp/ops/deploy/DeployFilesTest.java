package dev.logtocp.ops.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker here, so the deployment files are checked statically: every variable compose gives the processor
 * must be a setting the README's configuration table documents (a typo would otherwise be silently ignored),
 * and the image must start the processor's main class.
 */
class DeployFilesTest {
    private static final Path OPS = Path.of(System.getProperty("user.dir"));
    private static final Path ROOT = OPS.getParent();

    /** Keys from the README's configuration table: first-column backticked names; "A / B" rows give both. */
    static Set<String> documentedKeys(String readme) {
        int start = readme.indexOf("## Configuration");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Set<String> keys = new LinkedHashSet<>();
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]*\\*?)`");
        for (String line : section.lines().toList()) {
            if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| key")) {
                continue;
            }
            String firstColumn = line.split("\\|")[1];
            Matcher m = name.matcher(firstColumn);
            while (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    /** Known when documented, a documented prefix ({@code KAFKA_CLIENT_*}), or {@code X_FILE} for a known X. */
    static boolean known(String key, Set<String> documented) {
        if (documented.contains(key)) {
            return true;
        }
        for (String d : documented) {
            if (d.endsWith("*") && key.startsWith(d.substring(0, d.length() - 1))) {
                return true;
            }
        }
        return key.endsWith("_FILE") && known(key.substring(0, key.length() - "_FILE".length()), documented);
    }

    @Test
    void theReadmeTableIsReadable() throws IOException {
        Set<String> keys = documentedKeys(Files.readString(ROOT.resolve("README.md")));
        assertThat(keys)
                .contains(
                        "KAFKA_BOOTSTRAP_SERVERS",
                        "LOGTO_M2M_APP_SECRET",
                        "RETRY_BASE_DELAY_MS",
                        "RETRY_MAX_DELAY_MS",
                        "KAFKA_CLIENT_*",
                        "SERDE_*");
        assertThat(known("LOGTO_M2M_APP_SECRET_FILE", keys)).isTrue();
        assertThat(known("KAFKA_CLIENT_SECURITY_PROTOCOL", keys)).isTrue();
        assertThat(known("LOGTO_M2M_SECRET", keys)).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeGivesTheProcessorOnlySettingsItKnows() throws IOException {
        Set<String> documented = documentedKeys(Files.readString(ROOT.resolve("README.md")));
        Map<String, Object> compose;
        try (var in = Files.newInputStream(OPS.resolve("deploy/compose.yaml"))) {
            compose = new Yaml().load(in);
        }
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKeys("kafka", "schema-registry", "postgres", "logto", "processor");
        Map<String, Object> processor = (Map<String, Object>) services.get("processor");
        Object environment = processor.get("environment");
        List<String> keys = new ArrayList<>();
        if (environment instanceof Map<?, ?> map) {
            map.keySet().forEach(k -> keys.add(String.valueOf(k)));
        } else {
            ((List<String>) environment).forEach(entry -> keys.add(entry.split("=", 2)[0]));
        }
        assertThat(keys)
                .contains("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "LOGTO_ENDPOINT", "LOGTO_M2M_APP_ID");
        assertThat(keys)
                .allSatisfy(key -> assertThat(known(key, documented))
                        .as("%s is not in the README configuration table", key)
                        .isTrue());
        assertThat(((Map<String, Object>) processor.get("build")).get("dockerfile"))
                .isEqualTo("ops/deploy/Dockerfile");
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeGivesTheViewOnlySettingsItKnows() throws IOException {
        Set<String> documented = documentedKeys(Files.readString(ROOT.resolve("README.md")));
        Map<String, Object> compose;
        try (var in = Files.newInputStream(OPS.resolve("deploy/compose.yaml"))) {
            compose = new Yaml().load(in);
        }
        Map<String, Object> view = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("view");
        assertThat(view).as("a view service").isNotNull();
        assertThat((List<String>) view.get("entrypoint")).contains("dev.logtocp.view.ViewMain");
        Set<String> keys = ((Map<String, Object>) view.get("environment")).keySet();
        assertThat(keys).contains("KAFKA_BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "VIEW_ADVERTISED_HOST");
        assertThat(keys)
                .allSatisfy(key -> assertThat(known(key, documented))
                        .as("%s is not in a README configuration table", key)
                        .isTrue());
    }

    @Test
    void theImageRunsTheProcessorAsANonRootUser() throws IOException {
        String dockerfile = Files.readString(OPS.resolve("deploy/Dockerfile"));
        assertThat(dockerfile).contains("dev.logtocp.processor.Main", "HTTP_BIND=0.0.0.0:8080", "eclipse-temurin:21");
        List<String> users =
                dockerfile.lines().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users)
                .isNotEmpty()
                .allSatisfy(u -> assertThat(u).doesNotContain("root").isNotEqualTo("USER 0"));
    }

    /**
     * Every metric a dashboard panel queries is one the processor exports: the names are the
     * {@code ProcessorMetrics} constants (which {@code ResilienceIT} finds in a live scrape), plus the suffixes
     * Prometheus adds to counters and timers.
     */
    @Test
    void theGrafanaDashboardQueriesOnlyMetricsTheProcessorExports() throws Exception {
        Set<String> exported = new LinkedHashSet<>();
        for (var field : dev.logtocp.processor.metrics.ProcessorMetrics.class.getFields()) {
            if (field.getType() == String.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                exported.add((String) field.get(null));
            }
        }
        String dashboard = Files.readString(OPS.resolve("deploy/grafana/logto-command-processor.json"));
        io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(dashboard);
        Set<String> queried = new LinkedHashSet<>();
        Pattern metric = Pattern.compile("logto_processor_[a-z_]+");
        for (Object panel : json.getJsonArray("panels")) {
            for (Object target : ((io.vertx.core.json.JsonObject) panel).getJsonArray("targets")) {
                Matcher m = metric.matcher(((io.vertx.core.json.JsonObject) target).getString("expr"));
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertThat(queried)
                .isNotEmpty()
                .allSatisfy(name -> assertThat(exported)
                        .as("%s is not a metric the processor exports", name)
                        .contains(name.replaceFirst("(_seconds)?(_bucket|_count|_sum|_max|_total)?$", "")));
        assertThat(queried.stream()
                        .map(n -> n.replaceFirst("(_seconds)?(_bucket|_count|_sum|_max|_total)?$", ""))
                        .toList())
                .as("every exported metric has a panel")
                .containsAll(exported);
    }
}
