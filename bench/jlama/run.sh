#!/usr/bin/env bash
# Jlama (com.github.tjake:jlama-core 0.8.4) KV-cached decode at batch 1 on the random GPT-2 124M folder that
# bench/torch_gpt2.py save writes (target/peers/gpt2-random); prints one JSON object like t4j bench decode.
#   bench/jlama/run.sh [--positions 0,1000] [--model DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
OUT="$ROOT/target/peers/jlama"
if [[ ! -f "$OUT/classes/bench/JlamaDecode.class" || "$HERE/src/main/java/bench/JlamaDecode.java" -nt "$OUT/classes/bench/JlamaDecode.class" ]]; then
  (cd "$HERE" && mvn -q -B -DbuildDirectory="$OUT" dependency:build-classpath -Dmdep.outputFile="$OUT/classpath" >/dev/null \
     && mkdir -p "$OUT/classes" \
     && "$JAVA_HOME/bin/javac" --add-modules=jdk.incubator.vector -d "$OUT/classes" -cp "$(cat "$OUT/classpath")" \
          src/main/java/bench/JlamaDecode.java 2>&1 | grep -v "incubator" >&2 || true)
fi
MODEL="$ROOT/target/peers/gpt2-random"
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in --model) MODEL="$2"; shift 2 ;; *) ARGS+=("$1"); shift ;; esac
done
exec "$JAVA_HOME/bin/java" --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx8g \
  -cp "$OUT/classes:$(cat "$OUT/classpath")" bench.JlamaDecode "$MODEL" "${ARGS[@]}" 2> >(grep -v -E "incubator|^SLF4J" >&2)
