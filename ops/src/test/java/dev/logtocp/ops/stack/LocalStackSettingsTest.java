package dev.logtocp.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.config.EngineSettings;
import dev.logtocp.processor.config.ProcessorConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ops/run-local hands the processor the settings of its environment, with the stack's own addresses on top. */
class LocalStackSettingsTest {

    private static final LocalStack.LogtoTarget SIMULATOR = new LocalStack.LogtoTarget(
            "http://127.0.0.1:3001", "sim-app", "sim-secret", "https://default.logto.app/api");

    private static ProcessorConfig configFrom(Map<String, String> environment) {
        return ProcessorConfig.fromMap(
                LocalStack.processorSettings(environment, "127.0.0.1:9092", "http://127.0.0.1:8081", SIMULATOR));
    }

    @Test
    void maxInFlightFromTheEnvironmentReachesTheProcessor() {
        ProcessorConfig config = configFrom(Map.of("MAX_IN_FLIGHT", "16", "LOGTO_REQUEST_TIMEOUT_MS", "30000"));

        assertThat(config.engine().maxInFlight()).isEqualTo(16);
        assertThat(config.logto().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        // Negative control: without it the processor runs with its default.
        assertThat(configFrom(Map.of()).engine().maxInFlight())
                .isEqualTo(EngineSettings.defaults().maxInFlight())
                .isNotEqualTo(16);
    }

    @Test
    void theStacksOwnAddressesWinOverTheEnvironment() {
        ProcessorConfig config = configFrom(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                "elsewhere:9092",
                "LOGTO_M2M_APP_ID",
                "someone-else",
                "PROCESSOR_INSTANCE_ID",
                "mine"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.logto().appId()).isEqualTo("sim-app");
        assertThat(config.kafka().instanceId()).isEqualTo("mine");
        assertThat(configFrom(Map.of()).kafka().instanceId()).isEqualTo("local-1");
    }
}
