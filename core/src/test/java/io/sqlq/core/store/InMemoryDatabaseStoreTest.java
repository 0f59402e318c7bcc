package io.sqlq.core.store;

class InMemoryDatabaseStoreTest extends DatabaseStoreContract {
  private final InMemoryDatabaseStore store = new InMemoryDatabaseStore();

  @Override
  protected DatabaseStore store() {
    return store;
  }

  @Override
  protected long recordedVersion(String db) {
    return store.version(db).orElseThrow();
  }
}
