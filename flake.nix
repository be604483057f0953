{
  description = "javameet: self-hosted WebRTC video meetings in one JVM";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./nixos-module/package.nix { };
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = "${self.packages.${pkgs.stdenv.hostPlatform.system}.default}/bin/javameet";
          meta.description = "Run the javameet server (javameet --config FILE)";
        };
      });

      # Add to a nixosSystem's modules, then set services.javameet (docs/nixos.md).
      nixosModules.default =
        { lib, pkgs, ... }:
        {
          imports = [ ./nixos-module/module.nix ];
          # This flake's build of the server, for the system being configured.
          services.javameet.package = lib.mkDefault (
            self.packages.${pkgs.stdenv.hostPlatform.system}.default
              or (pkgs.callPackage ./nixos-module/package.nix { })
          );
        };

      checks.x86_64-linux.vm-test = import ./nixos-module/test.nix {
        pkgs = nixpkgs.legacyPackages.x86_64-linux;
        module = self.nixosModules.default;
      };
    };
}
