package dev.logtocp.processor.logto;

/**
 * The rule that decides how many Logto calls may be in flight at once. {@link CallLimiter} asks it for the limit
 * and tells it what each finished call showed.
 *
 * <p>Not thread-safe: {@link CallLimiter} calls it under its own lock.
 */
interface ConcurrencyLimit {

    /** Calls that may be in flight now (at least 1). */
    int limit();

    /**
     * One finished call.
     *
     * @param nowNanos  when it finished ({@link System#nanoTime()} scale)
     * @param holdNanos how long the call held its permit: from the grant to its answer or timeout being handled
     * @param dropped   an overload signal: 429, 5xx or a timeout
     * @param inFlight  calls still in flight after this one
     */
    void onSample(long nowNanos, long holdNanos, boolean dropped, int inFlight);

    /** A call ended that teaches nothing (never answered for a reason that is not load); time still passes. */
    default void onIgnored(long nowNanos, int inFlight) {}

    /** Whether an overload can still be met by lowering the limit (false for a fixed limit or at the floor). */
    boolean canShrink();

    /** A fixed limit: {@code MAX_IN_FLIGHT} as before the adaptive limit existed. */
    static ConcurrencyLimit fixed(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return new ConcurrencyLimit() {
            @Override
            public int limit() {
                return limit;
            }

            @Override
            public void onSample(long nowNanos, long holdNanos, boolean dropped, int inFlight) {}

            @Override
            public boolean canShrink() {
                return false;
            }
        };
    }
}
