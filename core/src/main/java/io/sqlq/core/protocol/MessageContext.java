package io.sqlq.core.protocol;

/**
 * What SQS says about a message, used for the defaults of wire protocol v1.
 *
 * @param messageId the SQS message id: the request id of a single request that has none
 * @param groupId the SQS message group id: the database of requests that name none, and the
 *     database every request of the message must name
 * @param requestIdAttribute the {@code sqlq-request-id} message attribute, set when a message
 *     without an id was moved to or from the dead-letter queue; preferred to {@code messageId}
 * @param defaultReplyTo the stack's default reply queue URL
 */
public record MessageContext(
    String messageId, String groupId, String requestIdAttribute, String defaultReplyTo) {

  /** Name of the message attribute that carries a request id across dead-letter moves. */
  public static final String REQUEST_ID_ATTRIBUTE = "sqlq-request-id";

  /** The request id for a message that carries a single request without {@code id}. */
  public String fallbackRequestId() {
    return requestIdAttribute != null && !requestIdAttribute.isEmpty() ? requestIdAttribute : messageId;
  }
}
