# javameet built from this repository, offline, from the committed Maven lock, run with a headless JRE.
#
# maven-lock.json lists every file the Maven build reads (poms, jars, plugins and their dependencies) with
# its sha256; each is fetched from Maven Central with fetchurl and the build runs `--offline` over a
# read-only repository of exactly those files. So there is no fixed-output hash to compute on a NixOS
# machine first: a pom.xml change comes with a regenerated lock (nixos-module/maven-lock.sh update), and CI
# proves the lock builds. The lock also pins the Maven that builds (from Central, not nixpkgs' maven,
# whose version varies with the admin's nixpkgs and changes which plugin files are read).
{
  lib,
  stdenv,
  fetchurl,
  linkFarm,
  makeWrapper,
  jdk17_headless,
  openssl,
}:
let
  lock = lib.importJSON ./maven-lock.json;
  central = "https://repo.maven.apache.org/maven2/";

  repository = linkFarm "javameet-maven-repository" (
    map (artifact: {
      name = artifact.path;
      path = fetchurl {
        url = central + artifact.path;
        inherit (artifact) hash;
      };
    }) lock.artifacts
  );

  mavenDistribution = fetchurl {
    url = central + lock.maven.path;
    inherit (lock.maven) hash;
  };
in
stdenv.mkDerivation {
  pname = "javameet";
  version = "0.1.0"; # keep in step with the root pom.xml

  # The repository root, without build output (target/) or VCS and editor files.
  src = lib.cleanSourceWith {
    name = "javameet-source";
    src = lib.cleanSource ../.;
    filter = path: type: !(type == "directory" && baseNameOf path == "target");
  };

  nativeBuildInputs = [
    jdk17_headless
    makeWrapper
  ];

  buildPhase = ''
    runHook preBuild
    mkdir -p "$TMPDIR/maven"
    tar -xzf ${mavenDistribution} -C "$TMPDIR/maven" --strip-components=1
    patchShebangs "$TMPDIR/maven/bin"
    export HOME="$TMPDIR" JAVA_HOME=${jdk17_headless.home}
    # The same command CI checks the lock with (nixos-module/maven-lock.sh check).
    bash nixos-module/maven-build.sh "$TMPDIR/maven/bin/mvn" ${repository} --offline
    runHook postBuild
  '';

  # It runs on the JDK 17 that built it, not nixpkgs' default JRE (a later Java): the project is Java 17, and the
  # opt-in AES-GCM through JDK 17's incubating foreign linker (services.javameet.jvmOptions, docs/operations.md)
  # needs jdk.incubator.foreign, which later JDKs no longer have (they refuse the flag and do not start).
  # libcrypto.so.3 is found on LD_LIBRARY_PATH by jitsi-srtp's JNI library (and by that opt-in path); without
  # OpenSSL the server still works, on the JDK's AES.
  installPhase = ''
    runHook preInstall
    install -Dm644 signaling/target/javameet.jar $out/share/javameet/javameet.jar
    makeWrapper ${jdk17_headless}/bin/java $out/bin/javameet \
      --prefix LD_LIBRARY_PATH : ${lib.makeLibraryPath [ openssl ]} \
      --add-flags "-jar $out/share/javameet/javameet.jar"
    runHook postInstall
  '';

  passthru = {
    inherit repository mavenDistribution;
  };

  meta = {
    description = "Self-hosted WebRTC video meeting server (SFU, signaling and web client in one JVM)";
    # Apache License 2.0: the license chosen for javameet.
    license = lib.licenses.asl20;
    mainProgram = "javameet";
    platforms = lib.platforms.linux;
  };
}
