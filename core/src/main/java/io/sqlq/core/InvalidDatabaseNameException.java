package io.sqlq.core;

/** A database name outside {@code [A-Za-z0-9_-]{1,64}}; never retryable. */
public final class InvalidDatabaseNameException extends SqlqException {
  private static final long serialVersionUID = 1L;
  private final String name;

  public InvalidDatabaseNameException(String name) {
    super("invalid database name " + (name == null ? "(none)" : "'" + name + "'")
        + ": use 1 to " + DatabaseName.MAX_LENGTH + " characters of A-Z a-z 0-9 _ -");
    this.name = name;
  }

  /** The rejected name, possibly null. */
  public String name() {
    return name;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
