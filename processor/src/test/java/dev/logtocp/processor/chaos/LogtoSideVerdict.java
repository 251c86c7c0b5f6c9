package dev.logtocp.processor.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The judgement of a run from Logto's side: for each user, the value its commands left in Logto and the order in
 * which Logto saw its changes, against the order in which the commands were sent.
 *
 * <p>Each user's commands set the same field to 1, 2, ..., n in that order, and command {@code k}'s change reaches
 * Logto with the idempotency key that names {@code k}. So the rules are:
 * <ol>
 *   <li><b>final state</b>: the field holds the number of the user's last command that succeeded;</li>
 *   <li><b>never backwards</b>: in the user's mutation log, no change of command {@code j} comes after a change of a
 *       later command {@code k > j} (a stale owner's retry, or an older command re-run after a newer one);</li>
 *   <li><b>repeats</b>: a command's change appears more than once only as an immediate repeat of the newest
 *       change (a crash or hand-over re-sent the user's latest command); anything else is counted.</li>
 * </ol>
 * Immutable once built; the test thread builds it.
 */
final class LogtoSideVerdict {

    /** One user as the run left it: the final field value and the command numbers of its changes, in Logto's order. */
    record UserRecord(String username, Integer finalValue, int expectedValue, List<Integer> changes) {}

    final int users;
    final List<String> wrongFinalState = new ArrayList<>();
    final List<String> backwards = new ArrayList<>();
    final List<String> repeatsNotOfLatest = new ArrayList<>();
    final int immediateRepeats;
    final Map<String, List<Integer>> examples = new LinkedHashMap<>();

    LogtoSideVerdict(List<UserRecord> records) {
        this.users = records.size();
        int repeats = 0;
        for (UserRecord r : records) {
            if (r.finalValue() == null || r.finalValue() != r.expectedValue()) {
                wrongFinalState.add(r.username() + " holds " + r.finalValue() + ", expected " + r.expectedValue());
                example(r);
            }
            int newest = 0;
            Integer previous = null;
            for (int k : r.changes()) {
                if (k < newest) {
                    backwards.add(
                            r.username() + ": change of command " + k + " after command " + newest + " " + r.changes());
                    example(r);
                } else if (previous != null && k == previous) {
                    repeats++;
                } else if (k == newest && previous != null) {
                    repeatsNotOfLatest.add(
                            r.username() + ": command " + k + " repeated after another change " + r.changes());
                    example(r);
                }
                newest = Math.max(newest, k);
                previous = k;
            }
        }
        this.immediateRepeats = repeats;
    }

    boolean holds() {
        return wrongFinalState.isEmpty() && backwards.isEmpty() && repeatsNotOfLatest.isEmpty();
    }

    private void example(UserRecord r) {
        if (examples.size() < 5) {
            examples.put(r.username(), r.changes());
        }
    }

    @Override
    public String toString() {
        return "users " + users + ", wrong final state " + wrongFinalState.size() + ", backwards mutations "
                + backwards.size()
                + ", repeats other than of the latest " + repeatsNotOfLatest.size() + ", immediate repeats "
                + immediateRepeats
                + (examples.isEmpty() ? "" : ", examples " + examples);
    }
}
