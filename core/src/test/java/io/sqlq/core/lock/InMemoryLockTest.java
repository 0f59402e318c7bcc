package io.sqlq.core.lock;

class InMemoryLockTest extends DatabaseLockContract {
  private final InMemoryLock lock = new InMemoryLock(LEASE, clock());

  @Override
  protected DatabaseLock lock() {
    return lock;
  }
}
