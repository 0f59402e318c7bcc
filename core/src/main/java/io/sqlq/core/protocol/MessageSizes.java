package io.sqlq.core.protocol;

/**
 * How many bytes a message body takes, counted as SQS counts them (UTF-8), and how many bytes
 * the envelope of a request or reply bundle adds around its elements. Senders measure with these
 * before they seal a bundle, so that it stays within {@link MessageLimits#MAX_BODY_BYTES}.
 *
 * <p>A class of its own rather than part of {@link MessageLimits}: {@code MessageLimits} lists
 * fixed limits, each with its source (SQS quotas, SQLite defaults), while these are measurements
 * whose results follow sqlq's own bundle format as {@link RequestCodec} and {@link ReplyCodec}
 * write it (DESIGN.md, "Wire protocol v1", "Bundles"), and they are computed from that format.
 */
public final class MessageSizes {
  /**
   * UTF-8 bytes a reply bundle adds around its elements: 20, those of
   * {@code {"v":1,"replies":[]}}, the bundle of no replies. A reply bundle of replies
   * {@code r1..rn} takes this plus their bytes plus {@code n - 1} commas
   * ({@link ReplyCodec#joinReplies}).
   */
  public static final int REPLY_BUNDLE_OVERHEAD_BYTES =
      utf8Length(ReplyCodec.BUNDLE_PREFIX) + utf8Length(WireJson.BUNDLE_SUFFIX);

  private MessageSizes() {}

  /**
   * UTF-8 bytes a request bundle adds around its elements: those of
   * {@code {"v":1,"replyTo":"...","requests":[]}} with {@code replyTo} JSON-escaped, or of
   * {@code {"v":1,"requests":[]}} when it is null. A request bundle of elements {@code e1..en}
   * takes this plus their bytes plus {@code n - 1} commas ({@link RequestCodec#joinBundle}).
   *
   * @param replyTo the bundle's reply queue URL, or null
   */
  public static int requestBundleOverheadBytes(String replyTo) {
    return utf8Length(RequestCodec.bundlePrefix(replyTo)) + utf8Length(WireJson.BUNDLE_SUFFIX);
  }

  /**
   * Length of {@code s} in UTF-8 bytes, without encoding it: 1 byte per character below U+0080,
   * 2 below U+0800, 4 per surrogate pair, 3 otherwise (an unpaired surrogate included).
   *
   * @throws NullPointerException when {@code s} is null
   */
  public static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
