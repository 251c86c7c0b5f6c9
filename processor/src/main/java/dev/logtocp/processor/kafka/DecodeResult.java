package dev.logtocp.processor.kafka;

import dev.logtocp.commands.CommandMeta;
import dev.logtocp.processor.command.CommandHandler;
import org.apache.avro.specific.SpecificRecord;

/** What the intake made of one command record's bytes. */
sealed interface DecodeResult {

    /** A command this processor executes, with the handler that executes it. */
    record Command(SpecificRecord command, CommandHandler<SpecificRecord> handler) implements DecodeResult {}

    /**
     * Bytes that will never decode into an executable command: dead-lettered. {@code meta} is present when the
     * record was a readable Avro record of a type we do not execute, so the issuer also gets an outcome.
     */
    record Poison(String errorClass, String reason, CommandMeta meta, String typeName) implements DecodeResult {}

    /** Decoding cannot be decided now (the schema registry is unreachable): read the record again later. */
    record Retry(String reason) implements DecodeResult {}
}
