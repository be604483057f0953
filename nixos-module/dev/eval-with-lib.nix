# Evaluates the module with nixpkgs' real lib.evalModules, without nixpkgs' packages or NixOS: the options
# the module sets elsewhere (assertions, nginx, systemd, firewall, sysctl) are declared loosely here, and
# pkgs is a stand-in. So option types, aliases, renames and assertions are checked for real, on a machine
# that has only a checkout of nixpkgs' lib (e.g. nix-community/nixpkgs.lib) — CI has none, so this is a
# developer's tool; CI checks settings.nix and service.nix with builtins only (NixSettingsTest, NixServiceTest).
#
#   nix-instantiate --eval --strict --json nixos-module/dev/eval-with-lib.nix \
#     --arg lib 'import /path/to/nixpkgs.lib/lib' --arg javameet '{ enable = true; hostName = "meet.example.com"; }'
#
# Prints the failed assertions, the warnings and what the module produced (config file, unit, sysctl, ...).
{
  lib,
  javameet, # the services.javameet definitions to evaluate
}:
let
  inherit (lib) mkOption types;
  loose = mkOption {
    type = types.anything;
    default = { };
  };

  # Just enough of nixpkgs for module.nix and package.nix.
  pkgs = {
    formats.json = { }: {
      type = types.anything;
      # A real file (builtins.toFile writes it to the local store), so the result can show its content.
      generate = name: value: builtins.toFile name (builtins.toJSON value);
    };
    callPackage = file: args: import file (stubPackageInputs // args);
  };
  stubPackageInputs = {
    inherit lib;
    stdenv.mkDerivation = attrs: attrs // { outPath = "/nix/store/00000000000000000000000000000000-javameet"; };
    fetchurl = { url, hash }: { outPath = "/nix/store/fetched-${baseNameOf url}"; inherit url hash; };
    linkFarm = name: entries: { outPath = "/nix/store/00000000000000000000000000000000-${name}"; inherit entries; };
    makeWrapper = "makeWrapper";
    jdk17_headless = { outPath = "/nix/store/jdk"; home = "/nix/store/jdk/lib/openjdk"; };
    openssl = { outPath = "/nix/store/openssl"; };
  };

  # services.coturn as nixpkgs declares it (nixos/modules/services/networking/coturn.nix): the same option
  # names and types, so a misspelt or mistyped setting from turn.nix fails here as it would on NixOS.
  coturnOptions =
    let
      opt = type: default: mkOption { inherit type default; };
      int = opt types.int;
      bool = opt types.bool false;
      nullStr = opt (types.nullOr types.str) null;
    in
    {
      enable = lib.mkEnableOption "coturn TURN server";
      listening-port = int 3478;
      tls-listening-port = int 5349;
      alt-listening-port = int 3479;
      alt-tls-listening-port = int 5350;
      listening-ips = opt (types.listOf types.str) [ ];
      relay-ips = opt (types.listOf types.str) [ ];
      min-port = int 49152;
      max-port = int 65535;
      lt-cred-mech = bool;
      no-auth = bool;
      use-auth-secret = bool;
      static-auth-secret = nullStr;
      static-auth-secret-file = nullStr;
      realm = opt types.str "stand-in-hostname";
      cert = nullStr;
      pkey = nullStr;
      dh-file = nullStr;
      secure-stun = bool;
      no-cli = bool;
      cli-ip = opt types.str "127.0.0.1";
      cli-port = int 5766;
      cli-password = nullStr;
      no-udp = bool;
      no-tcp = bool;
      no-tls = bool;
      no-dtls = bool;
      no-udp-relay = bool;
      no-tcp-relay = bool;
      extraConfig = opt types.lines "";
    };

  nixosStandIn = {
    options = {
      assertions = mkOption {
        type = types.listOf types.unspecified;
        default = [ ];
      };
      warnings = mkOption {
        type = types.listOf types.str;
        default = [ ];
      };
      boot.kernel.sysctl = loose;
      networking.firewall = loose;
      services.nginx = loose;
      systemd.services = loose;
      security.acme = loose;
      services.coturn = coturnOptions;
    };
  };

  evaluated = lib.evalModules {
    specialArgs = { inherit pkgs; };
    modules = [
      ../module.nix
      nixosStandIn
      { services.javameet = javameet; }
    ];
  };
  inherit (evaluated) config;
  unit = config.systemd.services.javameet or { };
  package = pkgs.callPackage ../package.nix { };
in
{
  failedAssertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
  inherit (config) warnings;
  # The config file the service starts with: the path after --config in ExecStart.
  configFile =
    if unit == { } then
      null
    else
      builtins.fromJSON (builtins.readFile (lib.last (lib.splitString " " unit.serviceConfig.ExecStart)));
  rendered = if unit == { } then null else {
    serviceConfig = unit.serviceConfig;
    inherit (unit) environment;
    sysctl = config.boot.kernel.sysctl;
    firewall = config.networking.firewall;
    nginxLocations = builtins.attrNames (config.services.nginx.virtualHosts.${config.services.javameet.hostName}.locations or { });
    nginxHttpConfig = config.services.nginx.appendHttpConfig or null;
    nginxServerConfig = config.services.nginx.virtualHosts.${config.services.javameet.hostName}.extraConfig or null;
    coturn = config.services.coturn;
    coturnUnit = config.systemd.services.coturn or null;
    acmeCerts = config.security.acme.certs or null;
  };
  packageRepositoryFiles = builtins.length package.passthru.repository.entries;
  packageMaven = package.passthru.mavenDistribution.url;
}
