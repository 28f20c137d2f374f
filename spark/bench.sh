#!/usr/bin/env bash
# The Spark rows of the benchmarks (dev.jbert.spark.bench.SparkBench) on local[P] in one JVM.
# usage: spark/bench.sh [SHAPES=tiny,base] [PARTITIONS=2] [SCORING_TEXTS=2000] [STEPS=5] [LOCAL_STEPS=4]
# JAVA_OPTS adds JVM settings after the tests' own (a later setting wins; base's averaging rounds want more heap and native room than the tests: see bench/RESULTS.md)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
mvn -B -q -ntp -DskipTests -Dmaven.javadoc.skip=true install -pl spark -am >&2
# Spark is a provided dependency: take the module's compile classpath, which holds it
mvn -B -q -ntp -pl spark dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$here/spark/target/spark-bench.classpath" >&2
args=$(sed -n '/<argLine>/,/<\/argLine>/p' spark/pom.xml | sed 's/<[^>]*>//g' | tr -s ' \n' ' ')
exec java ${args} ${JAVA_OPTS:-} -cp "spark/target/classes:$(cat spark/target/spark-bench.classpath)" dev.jbert.spark.bench.SparkBench "$@"
