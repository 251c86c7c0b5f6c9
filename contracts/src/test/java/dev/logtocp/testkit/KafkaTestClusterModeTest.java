package dev.logtocp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaTestClusterModeTest {

    @Test
    void theSettingNamesOneOfThreeModes() {
        assertThat(KafkaTestCluster.Mode.parse(null)).isEqualTo(KafkaTestCluster.Mode.AUTO);
        assertThat(KafkaTestCluster.Mode.parse(" ")).isEqualTo(KafkaTestCluster.Mode.AUTO);
        assertThat(KafkaTestCluster.Mode.parse("in-jvm")).isEqualTo(KafkaTestCluster.Mode.IN_JVM);
        assertThat(KafkaTestCluster.Mode.parse("IN_JVM")).isEqualTo(KafkaTestCluster.Mode.IN_JVM);
        assertThat(KafkaTestCluster.Mode.parse("testcontainers")).isEqualTo(KafkaTestCluster.Mode.TESTCONTAINERS);
        assertThatThrownBy(() -> KafkaTestCluster.Mode.parse("docker"))
                .hasMessageContaining("auto, in-jvm or testcontainers");
    }

    @Test
    void forcingTestcontainersWithoutDockerFailsWithAClearMessage() {
        // Only meaningful where no Docker engine answers (these machines); elsewhere it would start a container.
        org.junit.jupiter.api.Assumptions.assumeFalse(
                ContainerKafka.dockerReachable(), "a Docker engine is reachable here");
        assertThatThrownBy(() -> KafkaTestCluster.startSingle(KafkaTestCluster.Mode.TESTCONTAINERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Docker engine");
    }
}
