# javameet built from this repository with nixpkgs' Maven builder, run with a headless JRE.
{
  lib,
  maven,
  makeWrapper,
  jre_headless,
}:
maven.buildMavenPackage {
  pname = "javameet";
  version = "0.1.0"; # keep in step with the root pom.xml

  # The repository root, without build output (target/) or VCS and editor files.
  src = lib.cleanSourceWith {
    name = "javameet-source";
    src = lib.cleanSource ../.;
    filter = path: type: !(type == "directory" && baseNameOf path == "target");
  };

  # The hash of every Maven dependency and plugin the build downloads.
  # Update on a NixOS machine with `nix build .#default`, copy the hash it prints (after "got:") here.
  # It changes whenever a dependency or plugin version in a pom.xml changes.
  mvnHash = lib.fakeHash;

  # Only the server jar and what it depends on; the tests run in CI, not in the package build.
  mvnParameters = "-DskipTests -pl signaling -am";

  nativeBuildInputs = [ makeWrapper ];

  installPhase = ''
    runHook preInstall
    install -Dm644 signaling/target/javameet.jar $out/share/javameet/javameet.jar
    makeWrapper ${jre_headless}/bin/java $out/bin/javameet \
      --add-flags "-jar $out/share/javameet/javameet.jar"
    runHook postInstall
  '';

  meta = {
    description = "Self-hosted WebRTC video meeting server (SFU, signaling and web client in one JVM)";
    # Apache License 2.0: the license chosen for javameet.
    license = lib.licenses.asl20;
    mainProgram = "javameet";
    platforms = lib.platforms.linux;
  };
}
