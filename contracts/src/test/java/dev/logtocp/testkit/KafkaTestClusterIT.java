package dev.logtocp.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaTestClusterIT {

    @Test
    void recordsWrittenBeforeABrokerRestartAreReadableAfterIt() throws Exception {
        KafkaTestCluster kafka = KafkaTestCluster.shared();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                kafka.supportsBrokerRestart(),
                "broker restarts need the in-JVM cluster; this run uses " + kafka.kind());
        String topic = "restart-" + UUID.randomUUID();
        kafka.createTopic(topic, 1, Map.of());
        Properties props = kafka.clientProperties();
        props.put("acks", "all");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "before")).get();
        }

        kafka.restartBroker(0);

        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "after")).get();
        }
        assertThat(kafka.consumeAll(
                        topic, new StringDeserializer(), new StringDeserializer(), 2, Duration.ofSeconds(30)))
                .extracting(r -> r.value())
                .containsExactly("before", "after");
    }
}
