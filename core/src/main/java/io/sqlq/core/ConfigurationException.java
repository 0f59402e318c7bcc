package io.sqlq.core;

/** Missing or invalid configuration; never retryable. */
public final class ConfigurationException extends SqlqException {
  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
