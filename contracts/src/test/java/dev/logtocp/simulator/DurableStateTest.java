package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store and its state directory without a server. "Abandoning" a store releases the directory without the
 * snapshot a clean close writes, so the next store sees only what flushes put in the journal, as after a kill.
 */
class DurableStateTest {

    @TempDir
    Path dir;

    /** Directories opened by this test, by store, so that a store can be abandoned like a killed process. */
    private final java.util.Map<Store, StateDirectory> directories = new java.util.IdentityHashMap<>();

    private Store attached(Path dir) {
        Store store = new Store(Clock.systemUTC());
        StateDirectory directory = StateDirectory.open(dir);
        store.attach(directory);
        directories.put(store, directory);
        return store;
    }

    /**
     * What a killed process leaves: the files as they are (no last snapshot), the lock released by the operating
     * system. The abandoned store is not used again.
     */
    private void abandon(Store store) {
        directories.remove(store).close();
    }

    /** A user with something in every part of the store, changed through the same methods the routes call. */
    private static String richUser(Store store) {
        String id = store.createUser(
                        new JsonObject()
                                .put("username", "durable")
                                .put("primaryEmail", "d@example.com")
                                .put("password", "s3cret-Passw0rd")
                                .put("customData", new JsonObject().put("plan", "gold")),
                        "k-create")
                .getString("id");
        String role = store.createRole("durable-role", "d", "User", false, "k-role", true)
                .getString("id");
        store.addRoles(id, List.of(role), "k-roles");
        store.mergeCustomData(id, new JsonObject().put("seats", 3), "k-custom");
        store.putIdentity(id, "github", new JsonObject().put("userId", "gh-1"), "k-identity");
        store.addMfa(id, "Totp", "k-mfa", true);
        store.addToken(id, "ci", 4_102_444_800_000L, "k-pat");
        store.patchLogtoConfigs(id, new JsonObject().put("skipped", true), null, "k-configs");
        store.seedSignIn(id, "seeded-first-party-app", false);
        store.seedGrant(id, "app-1", false);
        store.setSuspended(id, true, "k-suspend");
        return id;
    }

    /** Everything a test could observe of one user, for before/after comparison. */
    private static JsonObject observe(Store store, String id) {
        return new JsonObject()
                .put("user", store.user(id))
                .put("roles", store.userRoles(id))
                .put("custom", store.customData(id))
                .put("identities", store.identities(id))
                .put("mfa", store.mfaOf(id))
                .put("tokens", store.tokensOf(id))
                .put("configs", store.logtoConfigs(id))
                .put("sessions", store.sessionsOf(id))
                .put("grants", store.grantsOf(id));
    }

    @Test
    void everythingFlushedBeforeAnAbruptStopIsThereAfterARestart() {
        Store first = attached(dir);
        String id = richUser(first);
        first.flush();
        JsonObject before = observe(first, id);
        List<Mutation> mutations = first.mutations();
        abandon(first);

        Store second = attached(dir);
        assertThat(observe(second, id)).isEqualTo(before);
        assertThat(second.mutations()).isEqualTo(mutations);
        assertThat(second.countsByIdempotencyKey()).containsEntry("k-create", 1L);
        assertThat(second.verifyPassword(id, "s3cret-Passw0rd")).isTrue();
        assertThat(second.findByUsername("durable")).isNotNull();
        // Indexes are rebuilt: the email is still taken.
        assertThatThrownBy(() -> second.createUser(new JsonObject().put("primaryEmail", "D@example.com"), null))
                .isInstanceOf(ApiError.class)
                .hasMessage("user.email_already_in_use");
        abandon(second);

        // Negative control: a store on another, empty directory has none of it.
        Store elsewhere = attached(dir.resolve("elsewhere"));
        assertThat(elsewhere.user(id)).isNull();
        assertThat(elsewhere.mutations()).isEmpty();
        abandon(elsewhere);
    }

    @Test
    void changesNotYetFlushedAreLostInAnAbruptStop() {
        // This is why the server flushes before every answer: the test would catch a route that did not.
        Store first = attached(dir);
        String kept =
                first.createUser(new JsonObject().put("username", "kept"), null).getString("id");
        first.flush();
        String lost =
                first.createUser(new JsonObject().put("username", "lost"), null).getString("id");
        abandon(first);

        Store second = attached(dir);
        assertThat(second.user(kept)).isNotNull();
        assertThat(second.user(lost)).isNull();
        abandon(second);
    }

    @Test
    void laterChangesWinAndDeletionsStayDeleted() {
        Store first = attached(dir);
        String id = first.createUser(new JsonObject().put("username", "changing"), null)
                .getString("id");
        String gone =
                first.createUser(new JsonObject().put("username", "gone"), null).getString("id");
        String role =
                first.createRole("temporary", "t", "User", false, null, true).getString("id");
        first.addRoles(id, List.of(role), null);
        first.flush();
        first.updateUser(id, new JsonObject().put("name", "Second"), null);
        first.deleteUser(gone, null);
        first.deleteRole(role, null);
        first.flush();
        abandon(first);

        Store second = attached(dir);
        assertThat(second.user(id).getString("name")).isEqualTo("Second");
        assertThat(second.user(gone)).isNull();
        assertThat(second.roleIdsOf(id)).isEmpty();
        assertThat(second.findByUsername("gone")).isNull();
        abandon(second);
    }

    @Test
    void aCleanCloseLeavesASnapshotAndAnEmptyJournal() throws Exception {
        Store first = attached(dir);
        String id =
                first.createUser(new JsonObject().put("username", "snap"), null).getString("id");
        first.detach();

        assertThat(Files.exists(dir.resolve("snapshot.json"))).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> journals = files.filter(f -> f.getFileName().toString().startsWith("journal-"))
                    .toList();
            assertThat(journals).hasSize(1);
            assertThat(Files.size(journals.get(0))).isZero();
        }
        directories.remove(first).close();

        Store second = attached(dir);
        assertThat(second.user(id)).isNotNull();
        abandon(second);
    }

    @Test
    void aJournalLineCutShortByAKillIsIgnored() throws Exception {
        Store first = attached(dir);
        String id =
                first.createUser(new JsonObject().put("username", "torn"), null).getString("id");
        first.flush();
        abandon(first);
        Path journal;
        try (Stream<Path> files = Files.list(dir)) {
            journal = files.filter(f -> f.getFileName().toString().startsWith("journal-"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.writeString(
                journal, "{\"user\":\"x\",\"state\":{\"rec", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Store second = attached(dir);
        assertThat(second.user(id)).isNotNull();
        assertThat(second.userCount()).isEqualTo(1);
        abandon(second);
    }

    @Test
    void aDirectoryInUseCannotBeOpenedTwice() {
        Store first = attached(dir);
        assertThatThrownBy(() -> StateDirectory.open(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use");
        abandon(first);
        // Negative control: once released it opens.
        StateDirectory.open(dir).close();
    }

    @Test
    void resetEmptiesTheDirectoryToo() {
        Store first = attached(dir);
        first.createUser(new JsonObject().put("username", "before-reset"), null);
        first.flush();
        first.reset();
        abandon(first);

        Store second = attached(dir);
        assertThat(second.userCount()).isZero();
        assertThat(second.mutations()).isEmpty();
        abandon(second);
    }
}
