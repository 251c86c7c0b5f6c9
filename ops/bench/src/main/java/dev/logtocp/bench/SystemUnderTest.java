package dev.logtocp.bench;

import dev.logtocp.topics.TopicContract;

/**
 * One of the systems compared: it consumes the run's command topic, calls Logto and publishes one outcome per
 * command to the run's outcome topic. Started once per run, closed at its end.
 */
interface SystemUnderTest extends AutoCloseable {

    /** What a run hands a system: where everything is and how hard it may push. */
    record RunContext(BenchEnvironment env, TopicContract topics, Scenario scenario, String runId) {}

    /** A name for tables and JSON: processor, peer, naive. */
    String name();

    void start(RunContext context);

    @Override
    void close();
}
