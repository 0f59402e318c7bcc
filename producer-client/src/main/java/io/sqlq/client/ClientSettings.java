package io.sqlq.client;

import io.sqlq.core.store.DatabaseStore;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The validated settings of one {@link SqlqClient}; see {@link SqlqClient.Builder} for each
 * value's meaning, unit and default.
 *
 * @param defaultDatabase the default database, or null when none was set
 * @param maxRequestBytes the largest bundle holding one request: {@code maxBundleBytes}, or
 *     {@link io.sqlq.core.protocol.MessageLimits#MAX_PAYLOAD_BYTES} when {@code sqs} offloads
 *     bodies over one message to S3 (a request over {@code maxBundleBytes} then travels alone)
 * @param store where queries fetch snapshots from, or null when the client only submits
 */
record ClientSettings(
    SqsClient sqs,
    String requestQueueUrl,
    String replyQueueUrl,
    String defaultDatabase,
    Duration linger,
    int maxBundleRequests,
    int maxBundleBytes,
    int maxRequestBytes,
    int maxInFlight,
    Duration maxBlock,
    Duration requestTimeout,
    Duration replyWaitTime,
    Supplier<String> idSupplier,
    Clock clock,
    DatabaseStore store,
    long snapshotMaxBytes,
    Duration snapshotMaxAge,
    Duration queryTimeout) {}
