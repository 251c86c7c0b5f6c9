package dev.logtocp.processor.kafka;

import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * A finished command record and everything to publish for it. Created on any thread, handed to the consumer
 * thread, which publishes it and the offset past it in one transaction.
 */
record Completion(PartitionState partition, long offset, List<Output> outputs) {

    /** One record to publish: Avro values go through the value serializer, byte arrays are published as they are. */
    record Output(String topic, byte[] key, Object value, List<Header> headers) {
    }
}
