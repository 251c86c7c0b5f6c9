package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.internal.LedgerEntry;
import dev.logtocp.internal.UserReference;
import dev.logtocp.outcomes.CommandOutcome;
import dev.logtocp.outcomes.OutcomeStatus;
import dev.logtocp.outcomes.SourcePosition;
import dev.logtocp.processor.audit.OutcomeFactory;
import dev.logtocp.processor.command.ExecutionResult;
import dev.logtocp.processor.config.KafkaSettings;
import dev.logtocp.processor.idempotency.IdempotencyLedger;
import dev.logtocp.processor.metrics.ProcessorMetrics;
import dev.logtocp.schema.headers.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds what a finished record publishes: outcome and audit event, and, as the case may be, the dead letter, the
 * ledger entry and the externalId mapping change. Keeps no state of its own (topic names, and the thread-safe
 * metrics it counts outcomes in), so the execution contexts and the consumer thread share one.
 */
final class CommandOutputs {
    private static final Logger LOGGER = LoggerFactory.getLogger(CommandOutputs.class);
    private static final String TRACEPARENT = "traceparent";

    private final KafkaSettings topics;
    private final ProcessorMetrics stats;

    CommandOutputs(KafkaSettings topics, ProcessorMetrics stats) {
        this.topics = topics;
        this.stats = stats;
    }

    /**
     * The outputs of a command that ran (or was refused or found to be a duplicate).
     *
     * @param decided     the ledger entry to publish, or null
     * @param reference   the externalId mapping change to publish, or null
     * @param onCommitted told when the completion is committed or dropped, or null
     */
    Completion finished(
            PartitionState state,
            ConsumerRecord<byte[], byte[]> record,
            OutcomeFactory.Subject subject,
            ExecutionResult result,
            LedgerEntry decided,
            ReferenceChange reference,
            Runnable onCommitted) {
        CommandMeta meta = subject.meta();
        CommandOutcome outcome = OutcomeFactory.outcome(subject, result);
        stats.commandFinished(subject.commandType(), outcome.getStatus());
        List<Completion.Output> outputs = new ArrayList<>(4);
        addOutcomeAndAudit(outputs, record, subject, outcome);
        boolean routine =
                outcome.getStatus() == OutcomeStatus.SUCCEEDED || outcome.getStatus() == OutcomeStatus.DUPLICATE;
        (routine ? LOGGER.atDebug() : LOGGER.atInfo())
                .addKeyValue("commandId", meta.getCommandId())
                .addKeyValue("idempotencyKey", meta.getIdempotencyKey())
                .addKeyValue("issuer", meta.getIssuer())
                .addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset())
                .addKeyValue("commandType", subject.commandType())
                .addKeyValue("status", outcome.getStatus())
                .addKeyValue("errorCode", outcome.getErrorCode())
                .addKeyValue("attempts", outcome.getAttempts())
                .log("command finished");
        if (result.decision().deadLettered()) {
            // The command is not lost: its issuer has the FAILED outcome, operators have the original bytes to
            // redrive once Logto is healthy.
            outputs.add(deadLetter(record, "RetriesExhausted", String.valueOf(result.errorMessage())));
        }
        if (decided != null) {
            byte[] key = IdempotencyLedger.key(meta.getIssuer(), meta.getIdempotencyKey())
                    .getBytes(StandardCharsets.UTF_8);
            outputs.add(new Completion.Output(topics.ledgerTopic(), record.partition(), key, decided, List.of()));
        }
        if (reference != null) {
            Object value = reference.userId() == null
                    ? null
                    : UserReference.newBuilder()
                            .setExternalId(reference.externalId())
                            .setUserId(reference.userId())
                            .setIssuer(reference.issuer())
                            .setRecordedAt(result.completedAt())
                            .build();
            outputs.add(new Completion.Output(
                    topics.referencesTopic(),
                    record.partition(),
                    reference.externalId().getBytes(StandardCharsets.UTF_8),
                    value,
                    List.of()));
        }
        return new Completion(state, record.offset(), outputs, decided, reference, onCommitted);
    }

    /** An undecodable record: dead-lettered, and answered with an outcome when its issuer can be read from it. */
    Completion poison(
            PartitionState state,
            ConsumerRecord<byte[], byte[]> record,
            DecodeResult.Poison poison,
            Instant receivedAt,
            Instant now) {
        LOGGER.atWarn()
                .addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset())
                .addKeyValue("errorClass", poison.errorClass())
                .addKeyValue("reason", poison.reason())
                .log("dead-lettering an undecodable record");
        List<Completion.Output> outputs = new ArrayList<>();
        outputs.add(deadLetter(record, poison.errorClass(), poison.reason()));
        if (poison.meta() != null) {
            String type = poison.typeName() == null
                    ? "unknown"
                    : poison.typeName().substring(poison.typeName().lastIndexOf('.') + 1);
            OutcomeFactory.Subject subject = new OutcomeFactory.Subject(
                    poison.meta(),
                    type,
                    "command.reject",
                    null,
                    List.of(),
                    position(record),
                    receivedAt,
                    traceparent(record));
            CommandOutcome outcome = OutcomeFactory.outcome(
                    subject, ExecutionResult.rejected("unsupported_command_type", poison.reason(), List.of(), now));
            stats.commandFinished(type, OutcomeStatus.REJECTED);
            addOutcomeAndAudit(outputs, record, subject, outcome);
        }
        return new Completion(state, record.offset(), outputs);
    }

    private void addOutcomeAndAudit(
            List<Completion.Output> outputs,
            ConsumerRecord<byte[], byte[]> record,
            OutcomeFactory.Subject subject,
            CommandOutcome outcome) {
        byte[] key = record.key() != null
                ? record.key()
                : subject.meta().getCommandId().getBytes(StandardCharsets.UTF_8);
        outputs.add(new Completion.Output(topics.outcomeTopic(), key, outcome, passThroughHeaders(record)));
        // The audit event goes to the command's partition number: the audit chain is kept per partition.
        outputs.add(new Completion.Output(
                topics.auditTopic(),
                record.partition(),
                key,
                OutcomeFactory.audit(subject, outcome),
                passThroughHeaders(record)));
    }

    private Completion.Output deadLetter(ConsumerRecord<byte[], byte[]> record, String errorClass, String reason) {
        stats.deadLettered(errorClass);
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        headers.add(header(DeadLetterHeaders.TOPIC, record.topic()));
        headers.add(header(DeadLetterHeaders.PARTITION, Integer.toString(record.partition())));
        headers.add(header(DeadLetterHeaders.OFFSET, Long.toString(record.offset())));
        headers.add(header(DeadLetterHeaders.TIMESTAMP, Long.toString(record.timestamp())));
        headers.add(header(DeadLetterHeaders.ERROR_CLASS, errorClass));
        headers.add(header(DeadLetterHeaders.REASON, reason));
        return new Completion.Output(topics.deadLetterTopic(), record.key(), record.value(), headers);
    }

    static SourcePosition position(ConsumerRecord<byte[], byte[]> record) {
        return new SourcePosition(
                record.topic(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(Math.max(0, record.timestamp())));
    }

    /** The command's W3C traceparent, or null when it had none. */
    static String traceparent(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(TRACEPARENT);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    private static List<Header> passThroughHeaders(ConsumerRecord<byte[], byte[]> record) {
        Header h = record.headers().lastHeader(TRACEPARENT);
        return h == null ? List.of() : List.of(new RecordHeader(TRACEPARENT, h.value()));
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
