package org.codingkpi.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.codingkpi.events.RejectReason;
import org.codingkpi.events.InvalidEventException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Kafka Streams' own error handling (KIP-1033 processing exception handler, KIP-1034 dead-letter
 * queue) applied to the input contract: a record that breaks it ({@link InvalidEventException})
 * becomes a dead-letter record with the original key, value and headers, the standard
 * {@code __streams.errors.*} headers and {@value #REASON_HEADER} (the {@code reason} label), and
 * processing resumes. Anything else is a bug in the pipeline, and the task fails loudly rather than
 * dropping a record.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {
    /** The reject reason label of a dead-letter record (shared/spec/KPIS.md §2). */
    public static final String REASON_HEADER = "coding-kpi.reason";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof InvalidEventException invalid) {
            return ProcessingExceptionHandler.Response.resume(deadLetter(context, invalid.reason(), invalid));
        }
        LOG.error("Processing failed in {} (task {}, {}-{} offset {}); failing the task so that nothing is dropped",
                context.processorNodeId(), context.taskId(), context.topic(), context.partition(), context.offset(), exception);
        return ProcessingExceptionHandler.Response.fail();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        RejectReason reason = exception instanceof InvalidEventException i ? i.reason() : RejectReason.UNDECODABLE;
        return DeserializationExceptionHandler.Response.resume(deadLetter(context, reason, exception));
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, RejectReason reason, Exception exception) {
        if (deadLetterTopic == null) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set: invalid records would be lost");
        }
        ProducerRecord<byte[], byte[]> dlq = ExceptionHandlerUtils.buildDeadLetterQueueRecord(
                deadLetterTopic, context.sourceRawKey(), context.sourceRawValue(), context, exception);
        dlq.headers().remove(REASON_HEADER);
        dlq.headers().add(REASON_HEADER, reason.label().getBytes(StandardCharsets.UTF_8));
        return List.of(dlq);
    }

    /** The reason of a dead-letter record, from its header; undecodable when it has none. */
    public static RejectReason reasonOf(org.apache.kafka.common.header.Headers headers) {
        org.apache.kafka.common.header.Header h = headers.lastHeader(REASON_HEADER);
        if (h == null || h.value() == null) {
            return RejectReason.UNDECODABLE;
        }
        try {
            return RejectReason.fromLabel(new String(h.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return RejectReason.UNDECODABLE;
        }
    }
}
