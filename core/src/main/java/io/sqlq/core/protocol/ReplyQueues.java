package io.sqlq.core.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Which reply queues a request may name: the stack's default reply queue and the queues
 * beside it whose name is the default's name followed by {@code -} (a client's own reply
 * queue, {@code OwnReplyQueue}). Anything else would make the consumer a confused deputy,
 * sending messages with its own rights to any queue a sender names.
 *
 * <p>A queue URL is {@code <scheme>://<host>[:port]/<account>/<name>} (Amazon SQS Developer
 * Guide, "Amazon SQS queue and message identifiers"). An allowed URL has the default's scheme,
 * host, port and account exactly, and a name of 1 to 80 characters of {@code [A-Za-z0-9_-]},
 * optionally ending {@code .fifo} (CreateQueue API reference), that equals the default's name
 * or starts with it and {@code -}. No user info, query, fragment, percent-escapes or extra
 * path segments. Thread-safe.
 */
public final class ReplyQueues {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");

  private final URI defaultQueue;
  private final String prefix;
  private final String baseName;

  /**
   * @param defaultReplyTo the stack's default reply queue URL
   * @throws IllegalArgumentException when it is not an SQS queue URL of the shape above
   */
  public ReplyQueues(String defaultReplyTo) {
    URI uri = parse(defaultReplyTo);
    String[] path = uri == null ? null : segments(uri);
    if (path == null) {
      throw new IllegalArgumentException("the default reply queue URL is not <scheme>://<host>/<account>/<name>: "
          + defaultReplyTo);
    }
    this.defaultQueue = uri;
    this.prefix = uri.getScheme() + "://" + uri.getRawAuthority() + "/" + path[0] + "/";
    this.baseName = path[1].endsWith(".fifo") ? path[1].substring(0, path[1].length() - 5) : path[1];
  }

  /** Whether a request may have its reply sent to {@code replyTo}; null means the default. */
  public boolean allows(String replyTo) {
    if (replyTo == null || replyTo.equals(defaultQueue.toString())) {
      return true;
    }
    URI uri = parse(replyTo);
    String[] path = uri == null ? null : segments(uri);
    if (path == null || !replyTo.startsWith(prefix)) {
      return false;
    }
    String name = path[1];
    return name.equals(baseName) || name.equals(baseName + ".fifo") || name.startsWith(baseName + "-");
  }

  /** The default reply queue URL. */
  public String defaultReplyTo() {
    return defaultQueue.toString();
  }

  private static URI parse(String url) {
    try {
      URI uri = new URI(url);
      boolean plain = uri.getScheme() != null && uri.getRawAuthority() != null && uri.getRawUserInfo() == null
          && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawPath() != null
          && !uri.getRawPath().contains("%");
      return plain ? uri : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** {account, name} of a queue URL's path, or null when the path is not {@code /<account>/<name>}. */
  private static String[] segments(URI uri) {
    String[] parts = uri.getRawPath().split("/", -1);
    if (parts.length != 3 || !parts[0].isEmpty() || !parts[1].matches("[A-Za-z0-9]{1,64}")
        || !NAME.matcher(parts[2]).matches()) {
      return null;
    }
    return new String[] {parts[1], parts[2]};
  }
}
