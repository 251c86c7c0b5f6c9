package dev.logtocp.processor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PolicyStoreTest {

    static final String V1 = "{\"issuers\": {\"hr-system\": {\"commands\": [\"UserCreate\"]}}}";
    static final String V2 =
            "{\"issuers\": {\"hr-system\": {\"commands\": [\"UserCreate\", \"UserDelete\"]}, \"x\": {\"commands\": [\"*\"]}}}";

    @TempDir
    Path dir;

    Path file;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(PolicyStore.class);

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("policy.json");
        Files.writeString(file, V1);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logs);
    }

    static boolean allowsDelete(PolicyStore store) {
        return store.current()
                .authorize("hr-system", "UserDelete", RoleEffects.none())
                .allowed();
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition within 10 s").isBefore(deadline);
            Thread.sleep(20);
        }
    }

    /** Writes via a temporary file and an atomic rename, as config management does; bumps mtime to be sure. */
    void replace(String json) throws Exception {
        Path tmp = dir.resolve("policy.json.tmp");
        Files.writeString(tmp, json);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().plusSeconds(5 + (long) (Math.random() * 1000))));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void picksUpAChangedFileWithinSeconds() throws Exception {
        try (PolicyStore store = PolicyStore.open(file, Duration.ofMillis(50))) {
            assertThat(allowsDelete(store)).isFalse();
            assertThat(store.file()).contains(file);

            replace(V2);

            await(() -> allowsDelete(store));
            assertThat(store.current().issuers()).containsExactlyInAnyOrder("hr-system", "x");
        }
    }

    @Test
    void brokenFileKeepsThePreviousPolicyAndWarnsOnce() throws Exception {
        try (PolicyStore store = PolicyStore.open(file, Duration.ofMillis(50))) {
            IssuerPolicy before = store.current();

            replace("{\"issuers\": {\"hr-system\": {\"commands\": [\"UserDelet\"]}}}");
            await(() -> logs.list.stream().anyMatch(e -> e.getLevel().toString().equals("WARN")));
            Thread.sleep(300); // several more checks of the same broken version

            assertThat(store.current()).isSameAs(before);
            assertThat(logs.list)
                    .filteredOn(e -> e.getLevel().toString().equals("WARN"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage() + " " + e.getKeyValuePairs())
                            .contains(
                                    "previous policy stays in force",
                                    "issuers.hr-system.commands[0]: unknown command type UserDelet")
                            .doesNotContain("\n"));

            replace(V2);
            await(() -> allowsDelete(store));
        }
    }

    @Test
    void brokenSecretIsNotLogged() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "a-perfectly-long-secret-value-for-hmac-keys");
        try (PolicyStore store = PolicyStore.open(file, Duration.ofMillis(50))) {
            replace(
                    "{\"issuers\": {\"a\": {\"commands\": [], \"keys\": {\"k\": {\"alg\": \"hmac-sha256\", \"secret\": \"sekrit-value\"}}}}}");
            await(() -> !logs.list.isEmpty());

            assertThat(logs.list)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("sekrit-value"));
            assertThat(store.current().issuers()).containsExactly("hr-system");
        }
    }

    @Test
    void aChangedKeyFileReloadsThePolicy() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "first-secret-value-long-enough-for-hmac-sha256");
        Files.writeString(
                file,
                "{\"issuers\": {\"a\": {\"commands\": [\"*\"], \"keys\": {\"k\": {\"alg\": \"hmac-sha256\", \"secretFile\": \"secret\"}}}}}");
        try (PolicyStore store = PolicyStore.open(file, Duration.ofHours(1))) {
            IssuerPolicy before = store.current();
            assertThat(store.reloadIfChanged()).isFalse();

            Files.writeString(secret, "second-secret-value-long-enough-for-hmac-sha256!");
            assertThat(store.reloadIfChanged()).isTrue();

            assertThat(store.current()).isNotSameAs(before);
            assertThat(store.current().key("a", "k").orElseThrow().secret())
                    .isEqualTo("second-secret-value-long-enough-for-hmac-sha256!".getBytes());
        }
    }

    @Test
    void openFailsOnABadFileAndFixedStoresNeverChange() throws Exception {
        Files.writeString(file, "{\"defaultIssuer\": \"sometimes\"}");
        assertThatThrownBy(() -> PolicyStore.open(file, Duration.ofSeconds(1)))
                .isInstanceOf(IssuerPolicyException.class)
                .hasMessage("defaultIssuer: must be \"deny\" or \"allow\"");
        assertThatThrownBy(() -> PolicyStore.open(file, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);

        try (PolicyStore allowAll = PolicyStore.allowAll()) {
            assertThat(allowAll.file()).isEmpty();
            assertThat(allowAll.current()
                            .authorize("anyone", "UserDelete", RoleEffects.none())
                            .allowed())
                    .isTrue();
            assertThat(allowAll.current().signatureRequired("anyone")).isFalse();
        }
        IssuerPolicy policy = IssuerPolicy.parse(V1);
        try (PolicyStore fixed = PolicyStore.fixed(policy)) {
            assertThat(fixed.current()).isSameAs(policy);
        }
    }
}
