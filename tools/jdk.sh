# Sourced by ./sqlq, ./run-tests and .ci/run: selects a JDK >= 21 for Maven and the CLI on a machine
# whose default java may be older. Looks at JAVA_HOME first, then at every JDK under /usr/lib/jvm,
# and exports JAVA_HOME, PATH and MAVEN_OPTS for it; returns 1 with a message when there is none.

sqlq_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

sqlq_use_jdk21() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(sqlq_java_major "$candidate")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Newer JDKs warn about the Unsafe calls of Maven's own libraries; older ones ignore the flag.
      export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:+IgnoreUnrecognizedVMOptions --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  echo "sqlq: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*)" >&2
  return 1
}
