package io.sqlq.core;

import java.util.regex.Pattern;

/**
 * A database name: {@code [A-Za-z0-9_-]{1,64}}. It is the SQS message group id of the
 * database's requests, part of its S3 key ({@code <prefix>db/<name>.sqlite}) and of its lock
 * Security Group name ({@code sqlq-lock-<name>}), so it admits no path separators, dots or
 * spaces. The SQS limit for a message group id is 128 characters of alphanumerics and
 * punctuation (AWS SQS API reference, SendMessage); the narrower rule here keeps the S3 key
 * and the EC2 group name valid too.
 */
public final class DatabaseName {
  /** Longest accepted name, in characters. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

  private DatabaseName() {}

  /**
   * Returns {@code name} when it is a valid database name.
   *
   * @throws InvalidDatabaseNameException when it is null, empty, longer than 64 characters or
   *     holds a character outside {@code [A-Za-z0-9_-]}
   */
  public static String validate(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new InvalidDatabaseNameException(name);
    }
    return name;
  }

  /** Whether {@code name} is a valid database name. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
