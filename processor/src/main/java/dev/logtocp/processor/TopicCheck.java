package dev.logtocp.processor;

import dev.logtocp.processor.config.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Refuses to start when the topics do not fit together: the ledger must exist and have exactly the command
 * topics' partition count, because the owner of command partition p restores ledger partition p and nothing
 * else. Starting anyway would silently weaken duplicate detection.
 */
final class TopicCheck {
    private TopicCheck() {}

    static void requireCoPartitioned(KafkaSettings kafka) {
        requireCoPartitioned(kafka, null);
    }

    /**
     * Also refuses a ledger retention shorter than a command topic's retention: commands still in the topic could be
     * replayed after their ledger entry expired, and would then run again instead of coming back DUPLICATE.
     */
    static void requireCoPartitioned(KafkaSettings kafka, Duration ledgerRetention) {
        // Topics created a moment ago may not be in every broker's metadata yet: ask again for a little while.
        Instant giveUp = Instant.now().plusSeconds(15);
        while (true) {
            try {
                check(kafka);
                if (ledgerRetention != null) {
                    checkRetention(kafka, ledgerRetention);
                }
                return;
            } catch (MissingTopicException e) {
                if (Instant.now().isAfter(giveUp)) {
                    throw new IllegalStateException(e.getMessage(), e.getCause());
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while checking topics", ie);
                }
            }
        }
    }

    private static void check(KafkaSettings kafka) {
        Map<String, Object> props = new HashMap<>(kafka.clientOverrides());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        List<String> names = new ArrayList<>(kafka.commandTopics());
        names.add(kafka.ledgerTopic());
        names.add(kafka.referencesTopic());
        names.add(kafka.auditTopic());
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> topics =
                    admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
            int ledgerPartitions = topics.get(kafka.ledgerTopic()).partitions().size();
            int referencePartitions =
                    topics.get(kafka.referencesTopic()).partitions().size();
            if (referencePartitions != ledgerPartitions) {
                throw new IllegalStateException("references topic " + kafka.referencesTopic() + " has "
                        + referencePartitions + " partitions but ledger topic " + kafka.ledgerTopic() + " has "
                        + ledgerPartitions + "; they must be equal");
            }
            int auditPartitions = topics.get(kafka.auditTopic()).partitions().size();
            if (auditPartitions != ledgerPartitions) {
                // Audit events go to the partition of their command, one writer per audit partition, so each
                // partition's hash chain has a single author.
                throw new IllegalStateException("audit topic " + kafka.auditTopic() + " has " + auditPartitions
                        + " partitions but the command topics have " + ledgerPartitions + "; they must be equal");
            }
            for (String command : kafka.commandTopics()) {
                int p = topics.get(command).partitions().size();
                if (p != ledgerPartitions) {
                    throw new IllegalStateException("command topic " + command + " has " + p
                            + " partitions but ledger topic " + kafka.ledgerTopic() + " has " + ledgerPartitions
                            + "; they must be equal (co-partitioned)");
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new MissingTopicException(
                        "missing topic among " + names + "; create them first (ops topics apply)", e.getCause());
            }
            throw new IllegalStateException("cannot describe topics " + names + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 60 s while checking topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        }
    }

    private static void checkRetention(KafkaSettings kafka, Duration ledgerRetention) {
        Map<String, Object> props = new HashMap<>(kafka.clientOverrides());
        props.put("bootstrap.servers", kafka.bootstrapServers());
        List<ConfigResource> resources = kafka.commandTopics().stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        try (Admin admin = Admin.create(props)) {
            var configs = admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS);
            for (var entry : configs.entrySet()) {
                var retention = entry.getValue().get("retention.ms");
                long ms = retention == null || retention.value() == null ? -1 : Long.parseLong(retention.value());
                if (ms < 0 || ms > ledgerRetention.toMillis()) {
                    throw new IllegalStateException(
                            "LEDGER_RETENTION_MS (" + ledgerRetention.toMillis() + ") is shorter than the retention of "
                                    + entry.getKey().name() + " (" + (ms < 0 ? "unlimited" : ms + " ms")
                                    + "): a replay could run commands whose "
                                    + "ledger entry has expired. Raise LEDGER_RETENTION_MS or shorten the command topic's retention.ms");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the command topics' retention: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking retention", e);
        }
    }

    private static final class MissingTopicException extends RuntimeException {
        MissingTopicException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
