package dev.logtocp.simulator;

/**
 * What one seeded sign-in left in the simulator: a session and the grant of the application signed in to.
 *
 * @param sessionUid the id Logto's admin session routes take ({@code payload.uid})
 * @param sessionJti the session's cookie id ({@code payload.jti}); the admin routes answer 404 for it
 * @param grantId    the grant the session's authorizations name
 */
public record SeededSignIn(String sessionUid, String sessionJti, String grantId) {}
