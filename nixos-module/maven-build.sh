#!/usr/bin/env bash
# The Nix package's Maven build, written once: package.nix runs it offline over the locked repository,
# maven-lock.sh runs it online to write the lock and offline to check it, so all three read the same files.
# Only the server jar and the modules it needs; the tests run in CI, not in the package build (-DskipTests
# still compiles them, so their dependencies are in the lock too).
#
# Usage: maven-build.sh MVN LOCAL_REPOSITORY [more Maven arguments, e.g. --offline or -C]
set -euo pipefail
mvn=$1
repo=$2
shift 2
exec "$mvn" -B -ntp -Dmaven.repo.local="$repo" -DskipTests -pl signaling -am "$@" package
