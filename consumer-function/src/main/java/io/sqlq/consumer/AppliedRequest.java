package io.sqlq.consumer;

import io.sqlq.core.protocol.Reply;
import io.sqlq.core.protocol.Request;

/**
 * A request and the reply it got in a batch, with the reply already encoded (the same text
 * kept among the last batch's replies, so a redelivery answers byte for byte the same).
 *
 * @param request the request as decoded
 * @param reply its reply
 * @param encodedReply {@code reply} encoded by {@link io.sqlq.core.protocol.ReplyCodec#encodeReply}
 */
public record AppliedRequest(Request request, Reply reply, String encodedReply) {}
