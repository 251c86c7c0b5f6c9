package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.RevokeGrantsTarget;
import dev.logtocp.commands.RoleAssign;
import dev.logtocp.commands.SessionRevoke;
import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.AuditEvent;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One command at a time, from the command topic through the processor and the Logto simulator to the outcome. */
class EndToEndIT {
    private static ProcessorStack stack;

    @BeforeAll
    static void start() {
        stack = ProcessorStack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static UserCreate create(String username, String idempotencyKey) {
        return UserCreate.newBuilder()
                .setMeta(meta(idempotencyKey))
                .setUsername(username)
                .setPrimaryEmail(username + "@it.example")
                .setName("IT " + username)
                .build();
    }

    private static String createUser(String username) {
        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username, "create-" + username)));
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return outcome.getUserId();
    }

    @Test
    void userCreateCreatesTheUserAndSucceedsWithItsLogtoId() {
        String username = unique("alice");
        String commandId = stack.send(username, create(username, "create-" + username));

        CommandOutcome outcome = stack.awaitOutcome(commandId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getUserId()).isNotBlank();
        assertThat(outcome.getCommandType()).isEqualTo("UserCreate");
        assertThat(outcome.getAttempts()).isEqualTo(1);
        assertThat(outcome.getSource().getTopic()).isEqualTo(stack.topics.commands());
        assertThat(stack.logto.state().user(outcome.getUserId()))
                .hasValueSatisfying(
                        user -> assertThat(user.getString("username")).isEqualTo(username));
    }

    @Test
    void roleAssignByUsernameGivesTheUserTheRole() {
        String username = unique("bob");
        String userId = createUser(username);
        String roleId = stack.logto.createRole(unique("editor"));

        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                RoleAssign.newBuilder()
                        .setMeta(meta("role-" + username))
                        .setUser(new UserRef(UserRefKind.USERNAME, username))
                        .setRoleIds(List.of(roleId))
                        .build()));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getUserId()).isEqualTo(userId);
        assertThat(outcome.getDetails()).containsEntry("addedRoleIds", roleId);
        assertThat(stack.logto.state().rolesOf(userId)).containsExactly(roleId);
    }

    @Test
    void sessionRevokeRemovesTheSession() {
        String username = unique("carol");
        String userId = createUser(username);
        String sessionId = stack.logto.createSession(userId);

        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                SessionRevoke.newBuilder()
                        .setMeta(meta("revoke-" + sessionId))
                        .setUser(new UserRef(UserRefKind.ID, userId))
                        .setSessionId(sessionId)
                        .setRevokeGrantsTarget(RevokeGrantsTarget.ALL)
                        .build()));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(stack.logto.state().sessionsOf(userId)).isEmpty();
    }

    @Test
    void aTakenUsernameFailsWithLogtosCode() {
        String username = unique("dave");
        createUser(username);

        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, create(username, "another-key-" + username)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getErrorCode()).isEqualTo("user.username_already_in_use");
        assertThat(outcome.getHttpStatus()).isEqualTo(422);
    }

    @Test
    void aCreateRunAgainPastTheLedgerFindsItsOwnUserInsteadOfCreatingASecond() {
        String username = unique("erin");
        UserCreate command = create(username, "create-" + username);
        String first = createUserFrom(username, command);

        // force bypasses the ledger, so this exercises the handler's natural idempotency: Logto answers 422
        // username_already_in_use and the stored idempotency key shows the user is our own earlier create.
        UserCreate again = UserCreate.newBuilder(command)
                .setMeta(dev.logtocp.commands.CommandMeta.newBuilder(meta("create-" + username))
                        .setForce(true)
                        .build())
                .build();
        CommandOutcome replay = stack.awaitOutcome(stack.send(username, again));

        assertThat(replay.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(replay.getUserId()).isEqualTo(first);
        assertThat(replay.getDetails()).containsEntry("alreadyApplied", "true");
        assertThat(stack.logto.state().mutationsForUser(first))
                .filteredOn(m -> m.operation().equals("user.create"))
                .hasSize(1);
    }

    private static String createUserFrom(String username, UserCreate command) {
        CommandOutcome outcome = stack.awaitOutcome(stack.send(username, command));
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return outcome.getUserId();
    }

    @Test
    void anInvalidCommandIsRejectedWithoutCallingLogto() {
        long requestsBefore = stack.logto.state().requestCount();
        String commandId = stack.send(
                "bad",
                UserCreate.newBuilder()
                        .setMeta(meta(unique("bad")))
                        .setUsername("9starts-with-digit")
                        .setPrimaryEmail("not-an-email")
                        .build());

        CommandOutcome outcome = stack.awaitOutcome(commandId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(outcome.getErrorCode()).isEqualTo("validation_failed");
        assertThat(outcome.getFieldErrors())
                .extracting(e -> e.getField())
                .containsExactlyInAnyOrder("username", "primaryEmail");
        assertThat(outcome.getAttempts()).isZero();
        assertThat(stack.logto.state().requestCount()).isEqualTo(requestsBefore);
    }

    @Test
    void randomBytesAreDeadLetteredAndTheNextCommandStillSucceeds() {
        String username = unique("frank");
        byte[] garbage = new byte[64];
        new Random(42).nextBytes(garbage);
        garbage[0] = 7; // not the wire format's magic byte
        stack.sendRaw(username, garbage);
        String next = stack.send(username, create(username, "create-" + username));

        assertThat(stack.awaitOutcome(next).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        List<ConsumerRecord<byte[], byte[]>> dead = stack.deadLetters();
        ConsumerRecord<byte[], byte[]> letter = dead.stream()
                .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(username))
                .findFirst()
                .orElseThrow();
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(stack.topics.commands());
        assertThat(header(letter, DeadLetterHeaders.ERROR_CLASS)).isEqualTo("NOT_WIRE_FORMAT");
        assertThat(header(letter, DeadLetterHeaders.REASON)).isNotBlank();
        assertThat(header(letter, DeadLetterHeaders.OFFSET)).isNotBlank();
    }

    @Test
    void everyCommandYieldsExactlyOneOutcomeAndOneAuditEvent() {
        String username = unique("grace");
        String created = stack.send(username, create(username, "create-" + username));
        String rejected = stack.send(
                username,
                UserCreate.newBuilder()
                        .setMeta(meta(unique("k")))
                        .setUsername("bad name")
                        .build());
        String failed = stack.send(username, create(username, "dup-" + username));
        Set<String> ids = Set.of(created, rejected, failed);
        ids.forEach(stack::awaitOutcome);

        for (String id : ids) {
            assertThat(stack.outcomesOf(id, Duration.ofMillis(300))).hasSize(1);
        }
        List<AuditEvent> audit = stack.auditEvents().stream()
                .filter(e -> ids.contains(e.getCommandId()))
                .toList();
        assertThat(audit).extracting(AuditEvent::getCommandId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(audit.stream().collect(Collectors.toMap(AuditEvent::getCommandId, AuditEvent::getStatus)))
                .containsEntry(created, OutcomeStatus.SUCCEEDED)
                .containsEntry(rejected, OutcomeStatus.REJECTED)
                .containsEntry(failed, OutcomeStatus.FAILED);
        assertThat(audit).allSatisfy(e -> assertThat(e.getActor()).isEqualTo("it-suite"));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
