package dev.logtocp.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared in-JVM Kafka cluster when the JUnit session ends (registered through
 * {@code META-INF/services}, so every module that uses the contracts test-jar gets it).
 */
public final class SharedClusterCloser implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        KafkaTestCluster.closeShared();
    }
}
