package dev.logtocp.processor.it;

import dev.logtocp.simulator.FaultPlan;
import dev.logtocp.simulator.SeededSignIn;

/**
 * The Logto a processor IT runs against: the simulator, or a real Logto when the environment names one
 * ({@code LOGTO_ENDPOINT}, {@code LOGTO_M2M_APP_ID}, {@code LOGTO_M2M_APP_SECRET}, optional {@code LOGTO_RESOURCE}:
 * the variables of the contract suite). Tests set up fixtures and read state only through this interface, so the
 * same test proves the same thing on both: see {@link RealLogto} for how "applied once" and "no Logto call" are
 * observed on a server that keeps no mutation log.
 *
 * <p>Threading: every method may be called from any test thread; fixtures block until they are in place.
 */
public interface LogtoUnderTest extends AutoCloseable {

    /** A real Logto when the environment names one, the simulator otherwise. */
    static LogtoUnderTest fromEnvironment() {
        String endpoint = System.getenv("LOGTO_ENDPOINT");
        String appId = System.getenv("LOGTO_M2M_APP_ID");
        String appSecret = System.getenv("LOGTO_M2M_APP_SECRET");
        if (isSet(endpoint) && isSet(appId) && isSet(appSecret)) {
            String resource = System.getenv("LOGTO_RESOURCE");
            return RealLogto.start(
                    endpoint.replaceAll("/+$", ""),
                    appId,
                    appSecret,
                    isSet(resource) ? resource : dev.logtocp.simulator.SimulatorConfig.DEFAULT_RESOURCE);
        }
        return SimulatedLogto.start();
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    boolean isSimulator();

    /** "simulator at …" or "real Logto at … (through a recording proxy at …)", for test output. */
    String describe();

    /** The base URL the processor is given (on a real Logto: the recording proxy's). */
    String endpoint();

    String appId();

    String appSecret();

    String resource();

    /** Reads of Logto's state and of what the processor sent to it. */
    LogtoView state();

    /**
     * Faults to inject into the processor's requests: the simulator's own plan, or on a real Logto the same plan
     * applied by the recording proxy (an error answer instead of forwarding, a reset, latency, or an answer withheld
     * after the real server applied the request).
     */
    FaultPlan faults();

    /** A role of type {@code User}; returns its id. Set-up, not recorded as a mutation. */
    String createRole(String name);

    /** A role of type {@code MachineToMachine}, which Logto refuses to assign to users. */
    String createMachineToMachineRole(String name);

    /** An organization (set-up, not recorded); returns its id. */
    String createOrganization(String name);

    String createOrganizationRole(String name);

    String createMachineToMachineOrganizationRole(String name);

    /** A sign-in of the user to a first-party application; returns the session's uid. */
    String createSession(String userId);

    /**
     * What one sign-in of the user leaves: a session and its grant, to a first-party or a third-party application.
     * {@code applicationId} names the application in the simulator; a real Logto has one application of each kind
     * for all sign-ins, so grants are told apart by their ids, not by application.
     */
    SeededSignIn signIn(String userId, String applicationId, boolean thirdParty);

    /** A first-party application grant whose session has ended; returns the grant id. */
    default String createGrant(String userId, String applicationId) {
        return createGrant(userId, applicationId, false);
    }

    String createGrant(String userId, String applicationId, boolean thirdParty);

    /** An MFA verification of the given type ({@code Totp}, {@code BackupCode}); returns its id. */
    String createMfaVerification(String userId, String type);

    /** Turns the sign-in experience's password expiration policy on or off (off in a fresh Logto). */
    void setPasswordExpirationEnabled(boolean enabled);

    @Override
    void close();
}
