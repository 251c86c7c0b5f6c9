package dev.logtocp.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logtocp.client.CommandClient;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.RoleRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserCustomDataMerge;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.commands.UserSuspend;
import dev.logtocp.commands.UserUpdate;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A user's history through the view: every command in order, with its outcome and audit event, across restarts. */
class HistoryIT {
    private static ViewStack stack;

    @BeforeAll
    static void start() {
        stack = new ViewStack(3);
        stack.startProcessor("p1");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static UserRef ref(String externalId) {
        return new UserRef(UserRefKind.EXTERNAL_ID, externalId);
    }

    /** Ten commands about one user, each keyed by the user's externalId. */
    private static List<SpecificRecord> tenCommands(String externalId, String username, String roleId) {
        var meta = CommandClient.metaPlaceholder();
        return List.of(
                UserCreate.newBuilder()
                        .setMeta(meta)
                        .setExternalId(externalId)
                        .setUsername(username)
                        .build(),
                UserUpdate.newBuilder()
                        .setMeta(meta)
                        .setUser(ref(externalId))
                        .setName("First Name")
                        .build(),
                new RoleAssign(meta, ref(externalId), List.of(roleId)),
                new UserSuspend(meta, ref(externalId), true),
                new UserSuspend(meta, ref(externalId), false),
                UserUpdate.newBuilder()
                        .setMeta(meta)
                        .setUser(ref(externalId))
                        .setName("Second Name")
                        .build(),
                new UserCustomDataMerge(meta, ref(externalId), "{\"plan\": \"gold\"}"),
                new RoleRevoke(meta, ref(externalId), roleId),
                UserUpdate.newBuilder()
                        .setMeta(meta)
                        .setUser(ref(externalId))
                        .setName("Third Name")
                        .build(),
                new UserSuspend(meta, ref(externalId), true));
    }

    private static String history(String ref, String query) {
        return "/users/" + URLEncoder.encode(ref, StandardCharsets.UTF_8).replace("+", "%20") + "/history" + query;
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private static boolean complete(HttpResponse<String> r, int total) {
        try {
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode page = json(r);
            if (page.get("total").asLong() != total) {
                return false;
            }
            for (JsonNode e : page.get("entries")) {
                if (e.get("outcome").isNull() || e.get("audit").isNull()) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void tenCommandsOfOneUserComeBackInOrderAcrossRestartsOfTheView() throws Exception {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String externalId = "crm+" + id + "@example.com"; // characters a path must encode
        String otherId = "crm-other-" + id;
        String roleId = stack.logto.createRole("history-role-" + id);
        List<SpecificRecord> mine = tenCommands(externalId, "hist_" + id, roleId);
        List<SpecificRecord> others = tenCommands(otherId, "other_" + id, roleId);
        Path stateDir = stack.newDir("view-state");
        CommandView view = stack.startView(stateDir, "history-view");
        stack.awaitViews(1, Duration.ofSeconds(60));

        List<CommandOutcome> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // The other user's commands interleave with this user's, on the topic and in the view.
            sent.add(stack.client.execute("hist-" + id + "-" + i, mine.get(i)));
            stack.client.execute("other-" + id + "-" + i, others.get(i));
        }
        assertThat(sent).allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));
        assertThat(complete(
                        ViewStack.await(view, history(externalId, ""), r -> complete(r, 5), Duration.ofSeconds(60)), 5))
                .isTrue();

        // Restart of the view with its state directory kept; five more commands are sent while it is down.
        stack.stopView(view);
        for (int i = 5; i < 10; i++) {
            sent.add(stack.client.execute("hist-" + id + "-" + i, mine.get(i)));
            stack.client.execute("other-" + id + "-" + i, others.get(i));
        }
        assertThat(sent).allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED));
        view = stack.startView(stateDir, "history-view");
        stack.awaitViews(1, Duration.ofSeconds(60));
        HttpResponse<String> all =
                ViewStack.await(view, history(externalId, ""), r -> complete(r, 10), Duration.ofSeconds(60));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertInOrder(json(all), sent, externalId);

        // Paged: four at a time, oldest first, then newest first.
        List<String> paged = new ArrayList<>();
        String cursor = "0";
        List<String> cursors = new ArrayList<>();
        for (int pages = 0; pages < 5 && cursor != null; pages++) {
            JsonNode page = json(ViewStack.get(view, history(externalId, "?limit=4&cursor=" + cursor)));
            page.get("entries").forEach(e -> paged.add(e.get("commandId").asText()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asText();
            cursors.add(cursor);
        }
        assertThat(paged)
                .containsExactlyElementsOf(
                        sent.stream().map(CommandOutcome::getCommandId).toList());
        assertThat(cursors).containsExactly("4", "8", null);
        JsonNode newest = json(ViewStack.get(view, history(externalId, "?order=desc&limit=3")));
        assertThat(newest.get("entries").findValuesAsText("seq")).containsExactly("10", "9", "8");
        assertThat(newest.get("nextCursor").asLong()).isEqualTo(8);
        JsonNode older = json(ViewStack.get(view, history(externalId, "?order=desc&limit=3&cursor=8")));
        assertThat(older.get("entries").findValuesAsText("seq")).containsExactly("7", "6", "5");

        // The same history under the Logto user id.
        String userId = sent.get(0).getUserId();
        JsonNode byUserId = json(
                ViewStack.await(view, history(userId, "?by=userId"), r -> complete(r, 10), Duration.ofSeconds(30)));
        assertThat(byUserId.get("entries").findValuesAsText("commandId"))
                .containsExactlyElementsOf(
                        sent.stream().map(CommandOutcome::getCommandId).toList());

        // Restart onto an empty state directory: the stores are rebuilt from their changelogs, same answer.
        stack.stopView(view);
        view = stack.startView(stack.newDir("view-state-fresh"), "history-view");
        stack.awaitViews(1, Duration.ofSeconds(60));
        HttpResponse<String> rebuilt =
                ViewStack.await(view, history(externalId, ""), r -> complete(r, 10), Duration.ofSeconds(60));
        assertInOrder(json(rebuilt), sent, externalId);

        // Negative controls: an unknown user is 404, and a bad query is 400.
        assertThat(ViewStack.get(view, history("nobody-" + id, "")).statusCode())
                .isEqualTo(404);
        assertThat(ViewStack.get(view, history(externalId, "?limit=0")).statusCode())
                .isEqualTo(400);
        assertThat(ViewStack.get(view, history(externalId, "?by=email")).statusCode())
                .isEqualTo(400);
        stack.stopView(view);
    }

    private static void assertInOrder(JsonNode page, List<CommandOutcome> sent, String externalId) {
        assertThat(page.get("ref").asText()).isEqualTo(externalId);
        assertThat(page.get("by").asText()).isEqualTo("key");
        assertThat(page.get("order").asText()).isEqualTo("asc");
        assertThat(page.get("total").asLong()).isEqualTo(10);
        assertThat(page.get("nextCursor").isNull()).isTrue();
        JsonNode entries = page.get("entries");
        assertThat(entries).hasSize(10);
        for (int i = 0; i < 10; i++) {
            JsonNode e = entries.get(i);
            CommandOutcome o = sent.get(i);
            assertThat(e.get("seq").asLong()).isEqualTo(i + 1);
            assertThat(e.get("commandId").asText()).isEqualTo(o.getCommandId());
            assertThat(e.get("commandType").asText()).isEqualTo(o.getCommandType());
            assertThat(e.get("issuer").asText()).isEqualTo(ViewStack.ISSUER);
            assertThat(e.get("idempotencyKey").asText()).isEqualTo(o.getIdempotencyKey());
            assertThat(e.get("recordKey").asText()).isEqualTo(externalId);
            assertThat(e.get("source").get("offset").asLong())
                    .isEqualTo(o.getSource().getOffset());
            assertThat(e.get("outcome").get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(e.get("outcome").get("userId").asText()).isEqualTo(o.getUserId());
            assertThat(e.get("audit").get("status").asText()).isEqualTo("SUCCEEDED");
            if (i > 0) {
                assertThat(e.get("audit").get("targetRef").asText()).isEqualTo("EXTERNAL_ID:" + externalId);
            }
        }
    }
}
