package dev.logtocp.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        env.put("SCHEMA_REGISTRY_URL", "http://127.0.0.1:8081");
        env.put("LOGTO_ENDPOINT", "http://127.0.0.1:3001");
        env.put("LOGTO_M2M_APP_ID", "app");
        env.put("LOGTO_M2M_APP_SECRET", "canary-secret-value");
        return env;
    }

    @Test
    void appliesDocumentedDefaults() {
        ProcessorConfig config = ProcessorConfig.fromMap(minimal());
        assertThat(config.kafka().commandTopics()).containsExactly("logto.commands");
        assertThat(config.kafka().groupId()).isEqualTo("logto-command-processor");
        assertThat(config.engine().maxInFlight()).isEqualTo(256);
        assertThat(config.logto().resource()).isEqualTo("https://default.logto.app/api");
    }

    @Test
    void aMissingRequiredKeyIsNamedInOneLine() {
        Map<String, String> env = minimal();
        env.remove("LOGTO_ENDPOINT");
        assertThatThrownBy(() -> ProcessorConfig.fromMap(env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("LOGTO_ENDPOINT: is required");
    }

    @Test
    void aBadNumberNamesTheKeyAndTheAllowedRange() {
        Map<String, String> env = minimal();
        env.put("MAX_IN_FLIGHT", "lots");
        assertThatThrownBy(() -> ProcessorConfig.fromMap(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("MAX_IN_FLIGHT: must be an integer in [1, 100000]")
                .extracting(e -> ((ConfigException) e).key())
                .isEqualTo("MAX_IN_FLIGHT");
    }

    @Test
    void theSecretNeverShowsInToString() {
        ProcessorConfig config = ProcessorConfig.fromMap(minimal());
        assertThat(config.toString()).doesNotContain("canary-secret-value");
        assertThat(config.logto().appSecret().reveal()).isEqualTo("canary-secret-value");
    }

    @Test
    void propertiesFileUsesDottedNamesAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("processor.properties");
        Files.writeString(file, "kafka.group.id=from-file\nmax.in.flight=32\n");
        Map<String, String> env = minimal();
        env.put("MAX_IN_FLIGHT", "64");
        ProcessorConfig config = ProcessorConfig.from(ConfigSource.of(env, Optional.of(file)));
        assertThat(config.kafka().groupId()).isEqualTo("from-file");
        assertThat(config.engine().maxInFlight()).isEqualTo(64);
    }

    @Test
    void secretsCanComeFromFiles(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "from-a-file\n");
        Map<String, String> env = minimal();
        env.remove("LOGTO_M2M_APP_SECRET");
        env.put("LOGTO_M2M_APP_SECRET_FILE", secret.toString());
        assertThat(ProcessorConfig.fromMap(env).logto().appSecret().reveal()).isEqualTo("from-a-file");
    }

    @Test
    void kafkaClientSettingsPassThrough() {
        Map<String, String> env = minimal();
        env.put("KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL");
        assertThat(ProcessorConfig.fromMap(env).kafka().clientOverrides())
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aCustomCaMustBeAReadableFile() {
        Map<String, String> env = minimal();
        env.put("LOGTO_CA_FILE", "/nonexistent/ca.pem");
        assertThatThrownBy(() -> ProcessorConfig.fromMap(env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("LOGTO_CA_FILE: must name a readable PEM file");
    }

    @Test
    void thePoolDefaultsToOneConnectionPerCommandInFlight() {
        Map<String, String> env = minimal();
        env.put("MAX_IN_FLIGHT", "300");
        assertThat(ProcessorConfig.fromMap(env).logto().maxConnections()).isEqualTo(300);
    }
}
