# Starts javameet with a class-data sharing archive of its own classes (AppCDS; docs/nixos.md, docs/performance.md).
# usage: class-data-sharing.sh WRAPPER ARGS...   (WRAPPER: the package's bin/javameet, which runs java -jar)
#
# The archive lives in systemd's cache directory ($CACHE_DIRECTORY, CacheDirectory=javameet), named after the
# package: a hash of the wrapper's path and text, which name the JRE and the jar, so a new package or JRE gets
# an archive of its own and the old ones are removed. A JVM maps only an archive that the very same JVM wrote;
# nothing of it goes to the Nix store.
#
# 1. No archive for this package: run with -XX:ArchiveClassesAtExit, so the JVM writes one (NAME.new) when the
#    service stops. The server itself is the training run: no extra start, no ports of its own.
# 2. Next start: NAME.new is tried in a short JVM (`--version` with -Xshare:on) and kept only if that JVM mapped
#    it and exited cleanly: a file cut short (the JVM killed while writing it) would crash the JVM that maps it.
# 3. With the archive: -XX:SharedArchiveFile.
# Whatever fails (no cache directory, read-only, a bad archive), the server starts as it would without.
set -u
wrapper=$1
shift
say() { echo "class-data sharing: $*" >&2; }

dir=${CACHE_DIRECTORY:-}
dir=${dir%%:*} # systemd lists several directories with colons; the first is ours
if [ -z "$dir" ] || [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
  say "off (no writable cache directory)"
  exec "$wrapper" "$@"
fi

key=$( { readlink -f "$wrapper"; cat "$wrapper"; } 2>/dev/null | sha256sum | cut -c1-16)
archive=$dir/javameet-$key.jsa
candidate=$archive.new

for old in "$dir"/javameet-*.jsa "$dir"/javameet-*.jsa.new; do
  case $old in
    "$archive" | "$candidate") ;;
    *) [ -e "$old" ] && rm -f -- "$old" && say "removed $old (another package's)" ;;
  esac
done

if [ -s "$candidate" ]; then
  # a crash of the check writes its report into the cache directory, not the service's working directory
  if JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:-} -XX:SharedArchiveFile=$candidate -Xshare:on -XX:ErrorFile=$candidate.crash" \
      timeout 60 "$wrapper" --version > /dev/null 2>&1; then
    mv -f -- "$candidate" "$archive" && say "new archive checked: $archive"
  else
    rm -f -- "$candidate"
    say "the archive the last run wrote does not map; dropped, training again"
  fi
fi
rm -f -- "$candidate" "$candidate.crash" # empty or dropped

if [ -s "$archive" ]; then
  export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:-} -XX:SharedArchiveFile=$archive"
else
  say "no archive for this package yet: the JVM writes $candidate when the service stops"
  export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:-} -XX:ArchiveClassesAtExit=$candidate"
fi
exec "$wrapper" "$@"
