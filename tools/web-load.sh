#!/usr/bin/env bash
# The web workbench's load test (src/test/java/org/transformer4j/web/LoadHarness.java) against a running
# ./t4j serve: 16 clients alternating POST /api/generate and GET /api/figure for 60 s by default.
#   ./t4j serve --preset tiny-gpt --port 8080 &
#   tools/web-load.sh --url http://127.0.0.1:8080 --clients 16 --seconds 60 [--max-new-tokens 16] [--level blocks]
# Results and how they were measured: docs/PERFORMANCE.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
(cd "$ROOT" && mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath \
  -Dmdep.includeScope=test >/dev/null)
exec "$JAVA" -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$ROOT/target/test.classpath")" \
  org.transformer4j.web.LoadHarness "$@"
