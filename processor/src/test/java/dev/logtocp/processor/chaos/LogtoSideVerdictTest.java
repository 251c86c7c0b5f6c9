package dev.logtocp.processor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.processor.chaos.LogtoSideVerdict.UserRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogtoSideVerdictTest {

    @Test
    void changesInCommandOrderEndingOnTheLastCommandHold() {
        LogtoSideVerdict verdict = new LogtoSideVerdict(
                List.of(new UserRecord("a", 4, 4, List.of(1, 2, 3, 4)), new UserRecord("b", 4, 4, List.of(1, 3, 4))));
        assertThat(verdict.holds()).isTrue();
    }

    @Test
    void aStaleOwnersRetryOverANewerChangeIsBackwardsAndAWrongFinalState() {
        LogtoSideVerdict verdict = new LogtoSideVerdict(List.of(new UserRecord("u", 1, 3, List.of(1, 2, 3, 1))));
        assertThat(verdict.holds()).isFalse();
        assertThat(verdict.backwards).hasSize(1);
        assertThat(verdict.wrongFinalState).hasSize(1);
    }

    @Test
    void anOlderCommandReRunAfterANewerOneIsBackwardsEvenIfTheNewerIsReappliedLater() {
        LogtoSideVerdict verdict = new LogtoSideVerdict(List.of(new UserRecord("u", 4, 4, List.of(3, 4, 3, 4))));
        assertThat(verdict.backwards).hasSize(1);
        assertThat(verdict.repeatsNotOfLatest).hasSize(1);
        assertThat(verdict.wrongFinalState).isEmpty();
    }
}
