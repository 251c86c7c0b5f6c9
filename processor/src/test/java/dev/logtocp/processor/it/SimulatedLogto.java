package dev.logtocp.processor.it;

import dev.logtocp.simulator.FaultPlan;
import dev.logtocp.simulator.LogtoSimulator;
import dev.logtocp.simulator.Mutation;
import dev.logtocp.simulator.SeededSignIn;
import dev.logtocp.simulator.SimulatorConfig;
import dev.logtocp.simulator.SimulatorState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The simulator as the Logto under test: every call delegates to it. */
final class SimulatedLogto implements LogtoUnderTest {
    private final LogtoSimulator simulator;
    private final LogtoView view;

    private SimulatedLogto(LogtoSimulator simulator) {
        this.simulator = simulator;
        this.view = new View(simulator.state());
    }

    static SimulatedLogto start() {
        return new SimulatedLogto(LogtoSimulator.start(SimulatorConfig.defaults()));
    }

    @Override
    public boolean isSimulator() {
        return true;
    }

    @Override
    public String describe() {
        return "simulator at " + simulator.endpoint();
    }

    @Override
    public String endpoint() {
        return simulator.endpoint();
    }

    @Override
    public String appId() {
        return simulator.appId();
    }

    @Override
    public String appSecret() {
        return simulator.appSecret();
    }

    @Override
    public String resource() {
        return simulator.resource();
    }

    @Override
    public LogtoView state() {
        return view;
    }

    @Override
    public FaultPlan faults() {
        return simulator.faults();
    }

    @Override
    public String createRole(String name) {
        return simulator.createRole(name);
    }

    @Override
    public String createMachineToMachineRole(String name) {
        return simulator.createMachineToMachineRole(name);
    }

    @Override
    public String createOrganization(String name) {
        return simulator.createOrganization(name);
    }

    @Override
    public String createOrganizationRole(String name) {
        return simulator.createOrganizationRole(name);
    }

    @Override
    public String createMachineToMachineOrganizationRole(String name) {
        return simulator.createMachineToMachineOrganizationRole(name);
    }

    @Override
    public String createSession(String userId) {
        return simulator.createSession(userId);
    }

    @Override
    public SeededSignIn signIn(String userId, String applicationId, boolean thirdParty) {
        return simulator.signIn(userId, applicationId, thirdParty);
    }

    @Override
    public String createGrant(String userId, String applicationId, boolean thirdParty) {
        return simulator.createGrant(userId, applicationId, thirdParty);
    }

    @Override
    public String createMfaVerification(String userId, String type) {
        return simulator.createMfaVerification(userId, type);
    }

    @Override
    public void setPasswordExpirationEnabled(boolean enabled) {
        simulator.setPasswordExpirationEnabled(enabled);
    }

    @Override
    public void close() {
        simulator.close();
    }

    /** The simulator's own state and mutation log. */
    private record View(SimulatorState state) implements LogtoView {
        @Override
        public List<Mutation> mutations() {
            return state.mutations();
        }

        @Override
        public List<Mutation> mutationsForUser(String userId) {
            return state.mutationsForUser(userId);
        }

        @Override
        public long count(String operation) {
            return state.count(operation);
        }

        @Override
        public long requestCount() {
            return state.requestCount();
        }

        @Override
        public Optional<JsonObject> user(String id) {
            return state.user(id);
        }

        @Override
        public Optional<JsonObject> findUserByUsername(String username) {
            return state.findUserByUsername(username);
        }

        @Override
        public int userCount() {
            return state.userCount();
        }

        @Override
        public Set<String> rolesOf(String userId) {
            return state.rolesOf(userId);
        }

        @Override
        public JsonArray sessionsOf(String userId) {
            return state.sessionsOf(userId);
        }

        @Override
        public JsonArray grantsOf(String userId) {
            return state.grantsOf(userId);
        }

        @Override
        public JsonArray mfaVerificationsOf(String userId) {
            return state.mfaVerificationsOf(userId);
        }

        @Override
        public Map<String, Long> personalAccessTokensOf(String userId) {
            return state.personalAccessTokensOf(userId);
        }

        @Override
        public Optional<JsonObject> logtoConfigsOf(String userId) {
            return state.logtoConfigsOf(userId);
        }

        @Override
        public boolean passwordMatches(String userId, String candidate) {
            return state.passwordMatches(userId, candidate);
        }

        @Override
        public Set<String> organizationsOf(String userId) {
            return state.organizationsOf(userId);
        }

        @Override
        public Set<String> organizationRolesOf(String organizationId, String userId) {
            return state.organizationRolesOf(organizationId, userId);
        }

        @Override
        public boolean passwordExpired(String userId, String password) {
            return state.passwordExpired(userId);
        }
    }
}
