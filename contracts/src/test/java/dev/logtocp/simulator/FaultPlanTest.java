package dev.logtocp.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {

    private static List<Boolean> draws(long seed) {
        FaultPlan plan = new FaultPlan().seed(seed).add(FaultRule.error500(0.5));
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(plan.decide("GET", "/api/users").outcome() != null);
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameFaultSequence() {
        assertThat(draws(42)).isEqualTo(draws(42)).contains(true, false);
    }

    @Test
    void rulesOnlyApplyToMatchingPathAndMethod() {
        FaultPlan plan = new FaultPlan()
                .add(FaultRule.error503(1.0).onPath("^/api/users$").onMethod("post"));
        assertThat(plan.decide("POST", "/api/users").outcome().kind()).isEqualTo(FaultRule.Kind.ERROR_503);
        assertThat(plan.decide("GET", "/api/users").outcome()).isNull();
        assertThat(plan.decide("POST", "/api/users/abc/roles").outcome()).isNull();
    }

    @Test
    void latencyAddsUpAndTheFirstOutcomeWins() {
        FaultPlan plan = new FaultPlan()
                .add(FaultRule.fixedLatency(Duration.ofMillis(10)))
                .add(FaultRule.fixedLatency(Duration.ofMillis(5)))
                .add(FaultRule.tooManyRequests(1.0, 2))
                .add(FaultRule.error500(1.0));
        FaultPlan.Decision decision = plan.decide("GET", "/api/users");
        assertThat(decision.delayMillis()).isEqualTo(15);
        assertThat(decision.outcome().kind()).isEqualTo(FaultRule.Kind.TOO_MANY_REQUESTS);
    }

    @Test
    void uniformLatencyStaysWithinItsBounds() {
        FaultPlan plan =
                new FaultPlan().seed(1).add(FaultRule.uniformLatency(Duration.ofMillis(5), Duration.ofMillis(9)));
        for (int i = 0; i < 200; i++) {
            assertThat(plan.decide("GET", "/x").delayMillis()).isBetween(5L, 9L);
        }
    }

    @Test
    void aLimitedRuleFiresOnItsCountOfMatchingRequestsOnly() {
        FaultPlan plan = new FaultPlan()
                .addFor(2, FaultRule.error503(1.0).onPath("^/api/users$").onMethod("POST"));
        assertThat(plan.decide("GET", "/api/users").outcome())
                .as("not matching: does not count")
                .isNull();
        assertThat(plan.decide("POST", "/api/users").outcome()).isNotNull();
        assertThat(plan.decide("POST", "/api/users").outcome()).isNotNull();
        assertThat(plan.decide("POST", "/api/users").outcome())
                .as("spent after two")
                .isNull();
        assertThat(plan.injectedCounts()).containsEntry("error503", 2L);
    }

    @Test
    void aLimitedRuleShadowedByAnEarlierOutcomeKeepsItsCount() {
        FaultPlan plan = new FaultPlan().addFor(1, FaultRule.error500(1.0)).addFor(1, FaultRule.error503(1.0));
        assertThat(plan.decide("GET", "/x").outcome().kind()).isEqualTo(FaultRule.Kind.ERROR_500);
        assertThat(plan.decide("GET", "/x").outcome().kind()).isEqualTo(FaultRule.Kind.ERROR_503);
        assertThat(plan.decide("GET", "/x").outcome()).isNull();
    }

    @Test
    void clearStopsAllFaults() {
        FaultPlan plan = new FaultPlan().add(FaultRule.connectionReset(1.0));
        plan.clear();
        assertThat(plan.decide("GET", "/api/users")).isEqualTo(FaultPlan.Decision.NONE);
    }

    @Test
    void adminJsonRoundTripsEveryKind() {
        FaultPlan plan = new FaultPlan()
                .add(FaultRule.fixedLatency(Duration.ofMillis(3)))
                .add(FaultRule.uniformLatency(Duration.ofMillis(1), Duration.ofMillis(4)))
                .add(FaultRule.logNormalLatency(Duration.ofMillis(20), 0.7))
                .add(FaultRule.error500(0.1).onPath("^/api/users").onMethod("POST"))
                .add(FaultRule.error503(0.2))
                .add(FaultRule.tooManyRequests(0.3, 4))
                .add(FaultRule.connectionReset(0.4))
                .add(FaultRule.ambiguousTimeout(0.5));
        JsonObject json = plan.toJson();
        FaultPlan copy = new FaultPlan();
        copy.applyJson(json);
        assertThat(copy.rules()).isEqualTo(plan.rules());
    }

    @Test
    void ratesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> FaultRule.error500(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
