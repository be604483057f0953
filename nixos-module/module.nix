# services.javameet: a WebRTC meeting server behind nginx with ACME, in one hardened systemd service.
# Option names follow nixpkgs' jitsi-meet / jitsi-videobridge modules where they mean the same thing.
# Documented in docs/nixos.md.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib)
    concatMapStrings
    escapeShellArgs
    literalExpression
    mkDefault
    mkEnableOption
    mkIf
    mkOption
    optional
    optionals
    types
    ;

  cfg = config.services.javameet;
  jsonFormat = pkgs.formats.json { };

  configFile = jsonFormat.generate "javameet.json" (
    import ./settings.nix {
      inherit (cfg)
        httpAddress
        httpPort
        mediaPort
        publicAddress
        localAddress
        logLevel
        config
        interfaceConfig
        settings
        ;
    }
  );

  # Where nginx finds the server: the bound address, or loopback when it binds every address.
  upstreamHost =
    if cfg.httpAddress == "0.0.0.0" || cfg.httpAddress == "::" then
      "127.0.0.1"
    else if lib.hasInfix ":" cfg.httpAddress then
      "[${cfg.httpAddress}]"
    else
      cfg.httpAddress;
  upstream = "http://${upstreamHost}:${toString cfg.httpPort}";

  isLoopback = address: address == "::1" || lib.hasPrefix "127." address;

  # A rough shape check so a host name fails at evaluation; the server checks strictly at start.
  looksLikeIpLiteral =
    address:
    builtins.match "[0-9]{1,3}(\\.[0-9]{1,3}){3}" address != null
    || builtins.match "[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*" address != null;
in
{
  options.services.javameet = {
    enable = mkEnableOption "javameet, a self-hosted WebRTC video meeting server";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = literalExpression "pkgs.callPackage ./package.nix { } # the flake's nixosModules.default sets its own build";
      description = "The javameet package to run.";
    };

    hostName = mkOption {
      type = types.str;
      example = "meet.example.com";
      description = ''
        The public host name of the meeting server: the nginx virtual host and its ACME certificate.
        A bare name, without scheme, port or path. Required when {option}`services.javameet.nginx.enable` is on.
      '';
    };

    httpAddress = mkOption {
      type = types.str;
      default = if cfg.nginx.enable then "127.0.0.1" else "0.0.0.0";
      defaultText = literalExpression ''if config.services.javameet.nginx.enable then "127.0.0.1" else "0.0.0.0"'';
      description = ''
        IP address the server's HTTP/WebSocket listener binds. Behind nginx it stays on loopback,
        so only nginx (with TLS) is reachable from outside.
      '';
    };

    httpPort = mkOption {
      type = types.port;
      default = 8080;
      description = "TCP port of the server's HTTP/WebSocket listener (on loopback behind nginx).";
    };

    mediaPort = mkOption {
      type = types.port;
      default = 10000;
      description = "The single UDP port that carries every participant's media (ICE-lite, like videobridge's port 10000).";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to open {option}`services.javameet.mediaPort` (UDP) in the firewall. Without it no media flows.";
    };

    publicAddress = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "203.0.113.7";
      description = ''
        Behind NAT: the public IP address announced to browsers as the ICE candidate (like
        jitsi-videobridge's `nat.publicAddress`). Null: the machine's own addresses are announced.
      '';
    };

    localAddress = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "10.0.0.5";
      description = ''
        Behind NAT: the private IP address the media socket binds, whose traffic the NAT maps to
        {option}`services.javameet.publicAddress` (like jitsi-videobridge's `nat.localAddress`).
      '';
    };

    nginx = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether to put nginx in front: a virtual host for {option}`services.javameet.hostName` with an ACME
          certificate and HTTPS forced, WebSocket proxying for `/ws`, and TCP ports 80 and 443 opened.
          You still have to accept the ACME terms (`security.acme.acceptTerms`, `security.acme.defaults.email`).
        '';
      };

      metricsAllowFrom = mkOption {
        type = types.listOf types.str;
        default = [
          "127.0.0.1"
          "::1"
        ];
        example = [
          "127.0.0.1"
          "10.0.0.0/8"
        ];
        description = "Addresses or CIDR ranges nginx lets fetch `/metrics` (Prometheus); everyone else gets 403.";
      };
    };

    config = mkOption {
      type = types.attrsOf jsonFormat.type;
      default = { };
      example = {
        prejoinPageEnabled = false;
        disableModeratorIndicator = true;
        startWithVideoMuted = true;
      };
      description = ''
        Client config sent to every browser, like jitsi-meet's `config`: the `client` section of
        docs/configuration.md (prejoinPageEnabled, disableModeratorIndicator, startWithAudioMuted,
        startWithVideoMuted, requireDisplayName, enableLobby). An unknown key stops the server with its name.
      '';
    };

    interfaceConfig = mkOption {
      type = types.attrsOf jsonFormat.type;
      default = { };
      example = {
        SHOW_JITSI_WATERMARK = false;
        APP_NAME = "Acme Meet";
      };
      description = ''
        Branding sent to every browser, like jitsi-meet's `interfaceConfig`: the `interface` section of
        docs/configuration.md. Jitsi's names `APP_NAME`, `SHOW_JITSI_WATERMARK` and `DEFAULT_LOGO_URL` are
        translated to appName, showWatermark and logoUrl; welcomeText has no Jitsi name.
      '';
    };

    settings = mkOption {
      type = jsonFormat.type;
      default = { };
      example = {
        client.requireDisplayName = true;
      };
      description = ''
        Freeform content of the server's config file (docs/configuration.md), merged recursively over
        what the other options produce. Every key must be one the server knows, or it refuses to start.
      '';
    };

    jvmOptions = mkOption {
      type = types.listOf types.str;
      default = [
        "-Xmx1g"
        "-XX:+UseG1GC"
        "-XX:+ExitOnOutOfMemoryError"
      ];
      example = [
        "-Xmx4g"
        "-XX:+UseG1GC"
      ];
      description = ''
        Options for the JVM, passed through `JDK_JAVA_OPTIONS`. `-XX:+ExitOnOutOfMemoryError` lets systemd
        restart a server that ran out of heap instead of leaving it half alive.
      '';
    };

    logLevel = mkOption {
      type = types.enum [
        "error"
        "warn"
        "info"
        "debug"
        "trace"
      ];
      default = "info";
      description = "Root log level; the log goes to the journal (`journalctl -u javameet`).";
    };
  };

  config = mkIf cfg.enable {
    assertions = [
      {
        assertion =
          !cfg.nginx.enable || builtins.match "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?" cfg.hostName != null;
        message = ''
          services.javameet.hostName must be a bare host name such as "meet.example.com" (no scheme, port or
          path) when services.javameet.nginx.enable is true; it is "${cfg.hostName}".
        '';
      }
      {
        assertion = cfg.httpPort != cfg.mediaPort;
        message = "services.javameet.httpPort and services.javameet.mediaPort must differ; both are ${toString cfg.httpPort}.";
      }
      {
        assertion = cfg.httpPort >= 1024 && cfg.mediaPort >= 1024;
        message = ''
          services.javameet.httpPort (${toString cfg.httpPort}) and mediaPort (${toString cfg.mediaPort}) must be
          1024 or above: the service runs without capabilities, so it cannot bind privileged ports.
        '';
      }
      {
        assertion = !cfg.nginx.enable || !(builtins.elem cfg.httpPort [ 80 443 ]);
        message = "services.javameet.httpPort must not be 80 or 443 while services.javameet.nginx.enable is true: nginx listens there.";
      }
      {
        assertion = looksLikeIpLiteral cfg.httpAddress;
        message = ''services.javameet.httpAddress must be an IP address literal such as "127.0.0.1" or "::1", not "${cfg.httpAddress}".'';
      }
      {
        assertion = cfg.publicAddress == null || looksLikeIpLiteral cfg.publicAddress;
        message = ''services.javameet.publicAddress must be an IP address literal (browsers get it as an ICE candidate), not "${toString cfg.publicAddress}".'';
      }
      {
        assertion = cfg.localAddress == null || looksLikeIpLiteral cfg.localAddress;
        message = ''services.javameet.localAddress must be an IP address literal of this machine, not "${toString cfg.localAddress}".'';
      }
    ];

    warnings = optional (cfg.nginx.enable && !isLoopback cfg.httpAddress) ''
      services.javameet.httpAddress is "${cfg.httpAddress}" while nginx fronts the server: plain HTTP is then
      reachable next to nginx's HTTPS unless the firewall blocks port ${toString cfg.httpPort}.
    '';

    networking.firewall = {
      allowedTCPPorts = optionals cfg.nginx.enable [
        80
        443
      ];
      allowedUDPPorts = optionals cfg.openFirewall [ cfg.mediaPort ];
    };

    services.nginx = mkIf cfg.nginx.enable {
      enable = true;
      virtualHosts.${cfg.hostName} = {
        enableACME = mkDefault true;
        forceSSL = mkDefault true;
        locations."/" = {
          proxyPass = upstream;
          recommendedProxySettings = true;
        };
        locations."/ws" = {
          proxyPass = upstream;
          proxyWebsockets = true;
          recommendedProxySettings = true;
          # A meeting's signaling socket can sit idle for minutes; nginx's 60 s default would cut it.
          extraConfig = ''
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
          '';
        };
        locations."/metrics" = {
          proxyPass = upstream;
          recommendedProxySettings = true;
          extraConfig = concatMapStrings (from: "allow ${from};\n") cfg.nginx.metricsAllowFrom + "deny all;\n";
        };
      };
    };

    systemd.services.javameet = {
      description = "javameet video meeting server";
      wantedBy = [ "multi-user.target" ];
      # The server looks up the machine's addresses at start to announce them as ICE candidates.
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];

      environment.JDK_JAVA_OPTIONS = escapeShellArgs cfg.jvmOptions;

      serviceConfig = {
        ExecStart = "${cfg.package}/bin/javameet --config ${configFile}";
        Restart = "on-failure";
        RestartSec = 5;
        DynamicUser = true;
        StateDirectory = "javameet";
        WorkingDirectory = "%S/javameet";
        LimitNOFILE = 65536;

        # Hardening. Not MemoryDenyWriteExecute: the JIT compiler writes and then runs machine code.
        MemoryDenyWriteExecute = false;
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        NoNewPrivileges = true;
        CapabilityBoundingSet = "";
        AmbientCapabilities = "";
        # AF_NETLINK: listing the machine's interfaces to find the addresses to announce.
        RestrictAddressFamilies = [
          "AF_INET"
          "AF_INET6"
          "AF_UNIX"
          "AF_NETLINK"
        ];
        SystemCallFilter = [ "@system-service" ];
        SystemCallArchitectures = "native";
        LockPersonality = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectKernelLogs = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        ProtectProc = "invisible";
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        RemoveIPC = true;
        UMask = "0077";
      };
    };
  };
}
