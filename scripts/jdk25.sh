# Sourced by ./kmod4j, ./build and .ci/run: selects a JDK 25 for Maven and for running kmod4j.
# Honours JAVA_HOME when it already points at JDK 25; otherwise looks in the usual places.
kmod4j_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

kmod4j_select_jdk25() {
  local candidate
  for candidate in "${JAVA_HOME:-}" "${KMOD4J_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
      /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64 \
      /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/jdk-25* /usr/lib/jvm/*-25-* \
      /opt/java/openjdk /usr/local/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    if [ "$(kmod4j_java_major "$candidate")" = "25" ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "kmod4j: JDK 25 not found. Install Temurin 25 under /usr/lib/jvm or set JAVA_HOME to a JDK 25." >&2
  return 1
}
