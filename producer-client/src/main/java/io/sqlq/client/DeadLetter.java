package io.sqlq.client;

/**
 * One message in the dead-letter queue, as {@link DeadLetterQueue#list} shows it.
 *
 * @param database the message group id, which is the database
 * @param requestId the id of the message's first request (a bundle carries several), or of the
 *     message itself when its body does not decode
 * @param requests how many requests the message carries, 0 when its body does not decode
 * @param receiveCount SQS {@code ApproximateReceiveCount}, which counts this listing's own receive
 * @param reason the consumer's {@code sqlq-error} attribute, or "redriven after N receives" when
 *     SQS moved the message by the queue's redrive policy
 * @param sqlPreview the first {@link DeadLetterQueue#PREVIEW_CHARS} characters of the first
 *     request's SQL, or of the body when it does not decode
 * @param messageId the SQS message id in the dead-letter queue
 * @param deduplicationId the message's {@code MessageDeduplicationId}
 * @param sequenceNumber the FIFO {@code SequenceNumber} in the dead-letter queue
 * @param body the message body, unchanged
 */
public record DeadLetter(
    String database,
    String requestId,
    int requests,
    int receiveCount,
    String reason,
    String sqlPreview,
    String messageId,
    String deduplicationId,
    String sequenceNumber,
    String body) {}
