package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserCreate;
import dev.logtocp.commands.UserRef;
import dev.logtocp.commands.UserRefKind;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.simulator.Mutation;
import org.apache.avro.specific.SpecificRecord;

/** Small helpers the command-group integration tests share. */
final class Fixtures {
    private Fixtures() {}

    /** Creates a user through the processor (username and a matching email) and returns its Logto id. */
    static String createUser(ProcessorStack stack, String username) {
        CommandOutcome outcome = stack.awaitOutcome(stack.send(
                username,
                UserCreate.newBuilder()
                        .setMeta(meta("create-" + username))
                        .setUsername(username)
                        .setPrimaryEmail(username + "@it.example")
                        .build()));
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        return outcome.getUserId();
    }

    static UserRef byId(String id) {
        return new UserRef(UserRefKind.ID, id);
    }

    static UserRef byUsername(String username) {
        return new UserRef(UserRefKind.USERNAME, username);
    }

    /** Sends a command keyed by {@code key} and waits for its outcome. */
    static CommandOutcome run(ProcessorStack stack, String key, SpecificRecord command) {
        return stack.awaitOutcome(stack.send(key, command));
    }

    /** How many times the simulator applied {@code operation} to the user. */
    static long applied(ProcessorStack stack, String userId, String operation) {
        return stack.logto.state().mutationsForUser(userId).stream()
                .map(Mutation::operation)
                .filter(operation::equals)
                .count();
    }

    static void assertFailed(CommandOutcome outcome, String code, int httpStatus) {
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getErrorCode()).isEqualTo(code);
        assertThat(outcome.getHttpStatus()).isEqualTo(httpStatus);
    }

    static void assertAlreadyApplied(CommandOutcome outcome, String userId) {
        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getUserId()).isEqualTo(userId);
        assertThat(outcome.getDetails()).containsEntry("alreadyApplied", "true");
    }
}
