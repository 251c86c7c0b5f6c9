package dev.logtocp.processor.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logtocp.processor.config.ConfigException;
import dev.logtocp.processor.config.HttpSettings;
import dev.logtocp.processor.config.ProcessorConfig;
import dev.logtocp.processor.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenTest {
    private static final String TOKEN = "an-operator-token-of-some-length";

    @Test
    void onlyTheRightBearerTokenIsAllowed() {
        AdminToken token = new AdminToken(Optional.of(new Secret(TOKEN)));
        assertThat(token.check("Bearer " + TOKEN)).isEqualTo(AdminToken.Verdict.ALLOWED);
        assertThat(token.check("bearer " + TOKEN)).isEqualTo(AdminToken.Verdict.ALLOWED);
        assertThat(token.check(null)).isEqualTo(AdminToken.Verdict.MISSING);
        assertThat(token.check("Bearer ")).isEqualTo(AdminToken.Verdict.MISSING);
        assertThat(token.check("Basic " + TOKEN)).isEqualTo(AdminToken.Verdict.MISSING);
        assertThat(token.check("Bearer " + TOKEN + "x")).isEqualTo(AdminToken.Verdict.WRONG);
        assertThat(token.check("Bearer " + TOKEN.substring(1))).isEqualTo(AdminToken.Verdict.WRONG);
    }

    @Test
    void withoutATokenEveryActionIsRefused() {
        AdminToken none = new AdminToken(Optional.empty());
        assertThat(none.configured()).isFalse();
        assertThat(none.check("Bearer " + TOKEN)).isEqualTo(AdminToken.Verdict.NOT_CONFIGURED);
    }

    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        env.put("SCHEMA_REGISTRY_URL", "http://localhost:8081");
        env.put("LOGTO_ENDPOINT", "http://localhost:3001");
        env.put("LOGTO_M2M_APP_ID", "app");
        env.put("LOGTO_M2M_APP_SECRET", "secret");
        return env;
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFileAndIsNeverPrinted() throws Exception {
        Map<String, String> env = base();
        assertThat(ProcessorConfig.fromMap(env).http().adminToken()).isEmpty();
        Path file = Files.createTempFile("admin-token", ".txt");
        Files.writeString(file, TOKEN + "\n");
        env.put("HTTP_ADMIN_TOKEN_FILE", file.toString());
        HttpSettings http = ProcessorConfig.fromMap(env).http();
        assertThat(http.adminToken()).get().extracting(Secret::reveal).isEqualTo(TOKEN);
        assertThat(http.toString()).doesNotContain(TOKEN);
        Files.delete(file);

        Map<String, String> shortToken = base();
        shortToken.put("HTTP_ADMIN_TOKEN", "short-secret");
        assertThatThrownBy(() -> ProcessorConfig.fromMap(shortToken))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("HTTP_ADMIN_TOKEN")
                .hasMessageNotContaining("short-secret");
    }
}
