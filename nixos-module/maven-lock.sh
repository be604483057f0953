#!/usr/bin/env bash
# The Nix package's Maven lock (maven-lock.json, read by package.nix):
#   maven-lock.sh update   regenerate it after a pom.xml change (online; takes a minute or two)
#   maven-lock.sh check    prove it: a repository holding only the lock's entries (each sha256 checked) must
#                          build the package offline with the package's exact command (.ci/run does this)
#
# The artifact set depends on the Maven version (plugins' own dependencies, core extensions), so the lock is
# made with, and package.nix builds with, one pinned Maven fetched from Maven Central: MAVEN_VERSION below.
# That is not nixpkgs' maven on purpose: an admin's nixpkgs may carry any version, and the lock must fit them all.
set -euo pipefail
MAVEN_VERSION=3.9.16

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
lock=$here/maven-lock.json
cache=${XDG_CACHE_HOME:-$HOME/.cache}/javameet
tool() { java "$here/MavenLock.java" "$@"; }

# Prints the path of the pinned Maven's bin/mvn, downloading and checking its distribution once.
pinned_maven() {
  local version=$1 hash=${2:-} tarball
  tarball=$(tool fetch-maven "$version" "$cache" ${hash:+"$hash"})
  if [ ! -x "$cache/apache-maven-$version/bin/mvn" ]; then
    tar -xzf "$tarball" -C "$cache"
  fi
  echo "$cache/apache-maven-$version/bin/mvn"
}

# The sources as Nix sees them (git's tracked and untracked-but-not-ignored files), in a scratch folder.
copy_sources() {
  git -C "$top" ls-files -z --cached --others --exclude-standard \
    | (cd "$top" && tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src" "$work/repo"

case "${1:-}" in
  update)
    mvn=$(pinned_maven "$MAVEN_VERSION")
    copy_sources "$work/src"
    echo "== online build with Maven $MAVEN_VERSION into an empty repository (checksums must match: -C)"
    (cd "$work/src" && HOME="$work" bash nixos-module/maven-build.sh "$mvn" "$work/repo" -C) > "$work/build.log" 2>&1 \
      || { tail -40 "$work/build.log"; echo "maven-lock: the online build failed (log above)" >&2; exit 1; }
    tool generate "$work/repo" "$lock" "$MAVEN_VERSION" "$cache/apache-maven-$MAVEN_VERSION-bin.tar.gz"
    ;;
  check)
    read -r version hash < <(tool maven "$lock")
    if [ "$version" != "$MAVEN_VERSION" ]; then
      echo "maven-lock: the lock was made with Maven $version, maven-lock.sh pins $MAVEN_VERSION;" \
        "run nixos-module/maven-lock.sh update and commit maven-lock.json" >&2
      exit 1
    fi
    mvn=$(pinned_maven "$version" "$hash")
    copy_sources "$work/src"
    tool assemble "$lock" "${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" "$work/repo"
    echo "== the package's Maven build, offline, over the locked repository only"
    if ! (cd "$work/src" && HOME="$work" bash nixos-module/maven-build.sh "$mvn" "$work/repo" --offline) > "$work/build.log" 2>&1; then
      grep -E '^\[ERROR\]' "$work/build.log" | head -20 >&2
      echo "maven-lock: maven-lock.json is missing what the package build reads (a pom.xml changed?)." \
        "Run nixos-module/maven-lock.sh update and commit maven-lock.json." >&2
      exit 1
    fi
    [ -f "$work/src/signaling/target/javameet.jar" ] || { echo "maven-lock: the build made no javameet.jar" >&2; exit 1; }
    echo "maven-lock: the package builds offline from the lock's $(grep -c '{ "path"' "$lock") files"
    ;;
  *)
    echo "usage: nixos-module/maven-lock.sh update|check" >&2
    exit 2
    ;;
esac
