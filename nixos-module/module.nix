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
    attrNames
    concatMapStrings
    escapeShellArgs
    filterAttrs
    getAttrs
    hasPrefix
    literalExpression
    mapAttrs
    mkAliasOptionModule
    mkDefault
    mkEnableOption
    mkIf
    mkOption
    mkRenamedOptionModule
    optional
    optionalAttrs
    optionals
    types
    ;

  cfg = config.services.javameet;
  jsonFormat = pkgs.formats.json { };
  clientOptions = import ./client-options.nix;
  limitOptions = import ./limit-options.nix;

  # Typed options from client-options.nix: a misspelt key or a wrong type fails at evaluation, naming it.
  clientSettingsType =
    known:
    types.submodule {
      imports = lib.mapAttrsToList (
        key: option: mkAliasOptionModule [ option.jitsiName ] [ key ]
      ) (filterAttrs (key: option: option ? jitsiName) known);
      options = mapAttrs (
        key: option:
        mkOption {
          type = if option ? values then types.enum option.values else types.${option.type};
          inherit (option) default description;
        }
      ) known;
    };

  # Secrets and keys reach the service as systemd credentials (service.nix), at these paths.
  credentialsDirectory = "/run/credentials/javameet.service";
  credentials =
    optionalAttrs (cfg.auth.jwt.appSecretFile != null) { jwt-secret = cfg.auth.jwt.appSecretFile; }
    // optionalAttrs (cfg.auth.jwt.publicKeyFile != null) { jwt-public-key = cfg.auth.jwt.publicKeyFile; }
    // optionalAttrs (cfg.turn.enable && cfg.turn.secretFile != null) { turn-secret = cfg.turn.secretFile; }
    // optionalAttrs (cfg.metrics.bearerTokenFile != null) { metrics-bearer-token = cfg.metrics.bearerTokenFile; };

  # coturn for hostName, by turn.nix (builtins only, so CI checks it: NixTurnTest).
  turnSetup = import ./turn.nix {
    inherit (cfg) hostName;
    realm = cfg.hostName;
    listeningPort = 3478;
    tlsListeningPort = 5349;
    inherit (cfg.turn) minPort maxPort allowedPeerAddresses;
    secretFile = toString cfg.turn.secretFile;
    certificateDirectory = config.security.acme.certs.${cfg.hostName}.directory or "/var/lib/acme/${cfg.hostName}";
  };

  # one UDP port (and one ICE-TCP port, unless ICE-TCP is off) per media loop
  mediaUdpPorts = builtins.genList (i: cfg.mediaPort + i) cfg.mediaLoops;
  mediaTcpPorts = if cfg.mediaTcpPort == 0 then [ ] else builtins.genList (i: cfg.mediaTcpPort + i) cfg.mediaLoops;

  configFile = jsonFormat.generate "javameet.json" (
    import ./settings.nix {
      inherit (cfg)
        httpAddress
        httpPort
        mediaPort
        logLevel
        settings
        limits
        lastN
        maxPublisherBitrateKbps
        ;
      # left out when it is the server's default, the mediaPort number
      mediaTcpPort = if cfg.mediaTcpPort == cfg.mediaPort then null else cfg.mediaTcpPort;
      # left out when it is the server's default, one loop
      mediaLoops = if cfg.mediaLoops == 1 then null else cfg.mediaLoops;
      publicAddress = cfg.nat.publicAddress;
      localAddress = cfg.nat.localAddress;
      recording =
        if cfg.recording.enable then
          {
            enabled = true;
            inherit (cfg.recording)
              directory
              compose
              maxConcurrent
              minFreeDiskMb
              ;
            finalizeScript = if cfg.recording.finalizeScript == null then null else toString cfg.recording.finalizeScript;
          }
        else
          null;
      metricsBearerTokenFile =
        if credentials ? metrics-bearer-token then "${credentialsDirectory}/metrics-bearer-token" else null;
      auth = {
        inherit (cfg.auth) mode;
        jwtAlgorithm = cfg.auth.jwt.algorithm;
        jwtIssuer = cfg.auth.jwt.appId;
        jwtAudience = cfg.auth.jwt.acceptedAudience;
        jwtSecretFile = if credentials ? jwt-secret then "${credentialsDirectory}/jwt-secret" else null;
        jwtPublicKeyFile = if credentials ? jwt-public-key then "${credentialsDirectory}/jwt-public-key" else null;
      };
      # Only the canonical names: the Jitsi aliases are folded into them by the option type.
      config = getAttrs (attrNames clientOptions.config) cfg.config;
      interfaceConfig = getAttrs (attrNames clientOptions.interfaceConfig) cfg.interfaceConfig;
      turn =
        if cfg.turn.enable then
          {
            urls = turnSetup.urls ++ cfg.turn.extraUrls;
            secretFile = "${credentialsDirectory}/turn-secret";
            inherit (cfg.turn) credentialTtlSeconds;
          }
        else
          null;
    }
  );

  # The recording directory relative to /var/lib, as StateDirectory= wants it.
  recordingStateDirectory = lib.removePrefix "/var/lib/" cfg.recording.directory;

  # A secret's file: an absolute path outside the Nix store (the store is world-readable). A Nix path
  # literal (./secret) is refused by the option's type (a string), so it is never copied into the store.
  isSecretPath = import ./secret-path.nix;

  # Where nginx finds the server: the bound address, or loopback when it binds every address.
  upstreamHost =
    if cfg.httpAddress == "0.0.0.0" || cfg.httpAddress == "::" then
      "127.0.0.1"
    else if lib.hasInfix ":" cfg.httpAddress then
      "[${cfg.httpAddress}]"
    else
      cfg.httpAddress;
  upstream = "http://${upstreamHost}:${toString cfg.httpPort}";

  isLoopback = address: address == "::1" || hasPrefix "127." address;

  # A rough shape check so a host name fails at evaluation; the server checks strictly at start.
  looksLikeIpLiteral =
    address:
    builtins.match "[0-9]{1,3}(\\.[0-9]{1,3}){3}" address != null
    || builtins.match "[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*" address != null;
in
{
  imports = [
    # The names before the NAT options were grouped as jitsi-videobridge groups them.
    (mkRenamedOptionModule [ "services" "javameet" "publicAddress" ] [ "services" "javameet" "nat" "publicAddress" ])
    (mkRenamedOptionModule [ "services" "javameet" "localAddress" ] [ "services" "javameet" "nat" "localAddress" ])
  ];

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

    mediaTcpPort = mkOption {
      type = types.port;
      default = cfg.mediaPort;
      defaultText = literalExpression "config.services.javameet.mediaPort";
      example = 4443;
      description = ''
        The TCP port of ICE-TCP (RFC 6544 passive candidates): media for participants whose network drops UDP,
        ranked below UDP so it is only used when UDP fails. The same number as the UDP port by default; 0 turns
        ICE-TCP off. A firewall that lets only web ports out needs TURN over TLS on 443 instead.
      '';
    };

    mediaLoops = mkOption {
      type = types.ints.between 1 64;
      default = 1;
      example = 2;
      description = ''
        Media threads (event loops). Each has its own ports: UDP `mediaPort` to `mediaPort + mediaLoops - 1`,
        and as many ICE-TCP ports from `mediaTcpPort`; a room runs on the loop with the fewest rooms, so a server
        with several rooms uses several cores. One per core is the most that helps. The default, 1, keeps the
        single media port; {option}`services.javameet.openFirewall` opens every port of the range.
      '';
    };

    openFirewall = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether to open {option}`services.javameet.mediaPort` (UDP) and {option}`services.javameet.mediaTcpPort`
        (TCP, unless 0) in the firewall, with the ports of the other media loops
        ({option}`services.javameet.mediaLoops`). Without the UDP port no media flows.
      '';
    };

    nat = {
      publicAddress = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "203.0.113.7";
        description = ''
          Behind NAT (a cloud VM with a private address): the public IP address announced to browsers as the
          ICE candidate, as jitsi-videobridge's `nat.publicAddress`. Set together with
          {option}`services.javameet.nat.localAddress`. Null: the machine's own addresses are announced.
        '';
      };

      localAddress = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "10.0.0.5";
        description = ''
          Behind NAT: the private IP address the media socket binds, whose traffic the NAT maps to
          {option}`services.javameet.nat.publicAddress`, as jitsi-videobridge's `nat.localAddress`.
        '';
      };
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

      maxConnectionsPerAddress = mkOption {
        type = types.ints.positive;
        default = 100;
        description = ''
          Open connections nginx allows from one client address (`limit_conn`), across the web client, `/ws` and
          `/metrics`. Behind nginx the server sees every client as 127.0.0.1, so its own per-address cap
          (`limits.maxConnectionsPerAddress`) cannot tell them apart: this is where that limit holds. A meeting
          needs one WebSocket per participant; many people behind one NAT share an address, so keep it generous.
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

    metrics = {
      bearerTokenFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/javameet-metrics-token";
        description = ''
          A file holding a token (one line, at least 16 printable ASCII characters, e.g. `openssl rand -hex 32`)
          that lets a scraper reach `/metrics` on the server's own port from another machine, with
          `Authorization: Bearer <token>` (Prometheus: `authorization.credentials_file`); without it only loopback
          peers may. An absolute path outside the Nix store, readable by root: the service gets a private copy
          through `LoadCredential=`, and the token is never logged. Through nginx, which reaches the server over
          loopback, {option}`services.javameet.nginx.metricsAllowFrom` decides instead.
        '';
      };
    };

    config = mkOption {
      type = clientSettingsType clientOptions.config;
      default = { };
      example = {
        prejoinPageEnabled = false;
        disableModeratorIndicator = true;
        startWithVideoMuted = true;
      };
      description = ''
        Client config sent to every browser, like jitsi-meet's `config`: the `client` section of
        docs/configuration.md. Typed: a key the module does not know fails at evaluation; keys of a newer
        server go through {option}`services.javameet.settings` (`settings.client.<key>`).
      '';
    };

    interfaceConfig = mkOption {
      type = clientSettingsType clientOptions.interfaceConfig;
      default = { };
      example = {
        SHOW_JITSI_WATERMARK = false;
        APP_NAME = "Acme Meet";
      };
      description = ''
        Branding sent to every browser, like jitsi-meet's `interfaceConfig`: the `interface` section of
        docs/configuration.md. Jitsi's names `APP_NAME`, `SHOW_JITSI_WATERMARK` and `DEFAULT_LOGO_URL` are
        aliases of appName, showWatermark and logoUrl. Typed, like {option}`services.javameet.config`.
      '';
    };

    auth = {
      mode = mkOption {
        type = types.enum [
          "none"
          "token"
          "token-create"
        ];
        default = "none";
        description = ''
          Who may join and create rooms, as Jitsi's token authentication. `none`: anyone (a valid token still
          names its holder and may make them moderator). `token`: every participant needs a valid JWT, as
          Prosody's `authentication = "token"`. `token-create`: only token holders start rooms; guests without
          one may join a running room, as Jitsi's secure domain with guests enabled.
        '';
      };

      jwt = {
        algorithm = mkOption {
          type = types.enum [
            "HS256"
            "RS256"
          ];
          default = "HS256";
          description = "The one JWS algorithm tokens must use: HS256 with `appSecretFile`, RS256 with `publicKeyFile`.";
        };

        appId = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "my-portal";
          description = "Jitsi's `app_id` (`JWT_APP_ID`): when set, a token's `iss` must equal it.";
        };

        acceptedAudience = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "javameet";
          description = "Jitsi's `JWT_ACCEPTED_AUDIENCES`, one value: when set, a token's `aud` must name it.";
        };

        appSecretFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/run/secrets/javameet-jwt-secret";
          description = ''
            HS256: a file holding the shared secret (Jitsi's `app_secret`, `JWT_APP_SECRET`), at least 32 bytes.
            An absolute path outside the Nix store (e.g. from sops-nix or agenix), readable by root: the service
            gets a private copy through systemd's `LoadCredential=`. Never give the secret itself.
          '';
        };

        publicKeyFile = mkOption {
          type = types.nullOr types.str;
          default = null;
          example = "/run/secrets/javameet-jwt.pem";
          description = ''
            RS256: a PEM file with the RSA public key (at least 2048 bits) that verifies tokens. Read through
            `LoadCredential=` like {option}`services.javameet.auth.jwt.appSecretFile`.
          '';
        };
      };
    };

    turn = {
      enable = mkEnableOption ''
        a TURN relay (nixpkgs' services.coturn) on {option}`services.javameet.hostName`, for participants whose
        network blocks UDP to the media port: TURN over UDP and TCP on 3478 and over TLS on 5349 with the ACME
        certificate of hostName (needs {option}`services.javameet.nginx.enable`, which obtains it). Every
        participant gets credentials of its own from javameet, valid for
        {option}`services.javameet.turn.credentialTtlSeconds`; coturn checks them with the shared secret
        ({option}`services.javameet.turn.secretFile`). The relay may reach no private address except javameet's
        own media addresses. docs/nixos.md tells how to offer TURN over TLS on port 443 as well'';

      secretFile = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "/run/secrets/javameet-turn-secret";
        description = ''
          A file whose first line is the secret javameet and coturn share (coturn's `static-auth-secret`): at least
          16 characters of visible ASCII without `, & \ #`, e.g. `openssl rand -hex 32`. An absolute path outside
          the Nix store, readable by root: both services get private copies through `LoadCredential=`.
        '';
      };

      minPort = mkOption {
        type = types.port;
        default = 49152;
        description = "Lowest UDP port of coturn's relay range (opened in the firewall).";
      };

      maxPort = mkOption {
        type = types.port;
        default = 65535;
        description = "Highest UDP port of coturn's relay range (opened in the firewall).";
      };

      extraUrls = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "turns:turn.example.com:443?transport=tcp" ];
        description = ''
          TURN URLs handed to browsers after the module's own three (turn: UDP and TCP on 3478, turns: on 5349),
          e.g. TURN over TLS on port 443 for networks that allow nothing else (docs/nixos.md).
        '';
      };

      credentialTtlSeconds = mkOption {
        type = types.ints.between 60 604800;
        default = 86400;
        description = ''
          How long the TURN credentials each participant gets are valid. A relay already allocated keeps working
          past it; clients ask for fresh ones before it ends (docs/configuration.md, `turn`).
        '';
      };

      allowedPeerAddresses = mkOption {
        type = types.listOf types.str;
        default =
          optional (cfg.nat.localAddress != null) cfg.nat.localAddress
          ++ optional (cfg.nat.publicAddress != null) cfg.nat.publicAddress
          ++ (cfg.settings.publicAddresses or [ ]);
        defaultText = literalExpression "nat.localAddress, nat.publicAddress and settings.publicAddresses, where set";
        description = ''
          The addresses coturn may relay to although they lie in a denied (private or special-purpose) range:
          javameet's own media addresses, which the relay must reach. Everything else private stays denied.
        '';
      };
    };

    limits = mkOption {
      type = types.submodule {
        options = mapAttrs (
          name: limit:
          mkOption {
            type = types.ints.between limit.min limit.max;
            inherit (limit) default description;
          }
        ) limitOptions;
      };
      default = { };
      example = {
        maxOccupants = 50;
        maxRoomsPerAddress = 3;
      };
      description = ''
        The server's abuse limits (the `limits` section of docs/configuration.md; what each refuses:
        docs/operations.md, "Limits and abuse"). Typed: an unknown name or a value out of range fails at
        evaluation. The defaults are safe for a server open to anyone.
      '';
    };

    settings = mkOption {
      type = jsonFormat.type;
      default = { };
      example = {
        publicAddresses = [
          "203.0.113.7"
          "2001:db8::7"
        ];
      };
      description = ''
        Freeform content of the server's config file (docs/configuration.md), merged recursively over
        what the other options produce: the escape hatch for keys the module has no option for. These are
        checked only when the server starts (it refuses an unknown key, naming it). Secrets do not go here.
      '';
    };

    recording = {
      enable = mkEnableOption ''
        recording in the server (no browser, as Jibri would need): moderators start and stop it from the
        toolbar; each participant's tracks become WebM files in a directory per recording, with a manifest.json,
        optionally a composed file made by ffmpeg, then {option}`services.javameet.recording.finalizeScript`
      '';

      directory = mkOption {
        type = types.str;
        default = "/var/lib/javameet/recordings";
        example = "/var/lib/javameet-recordings";
        description = ''
          Where recordings go, one sub-directory each (Jibri's `recordings-directory`). Under /var/lib, so
          systemd creates it for the service's user (`StateDirectory=`); to use a large disk, mount it there.
        '';
      };

      compose = mkOption {
        type = types.bool;
        default = false;
        description = ''
          After a recording stops, make one composed file of the whole meeting (a grid of the videos, the audio
          mixed) by running ffmpeg, which is then on the service's path. Takes CPU for about the meeting's length.
        '';
      };

      finalizeScript = mkOption {
        type = types.nullOr types.path;
        default = null;
        example = literalExpression ''pkgs.writeShellScript "upload-recording" "rclone copy \"$1\" remote:meetings"'';
        description = ''
          Run after each recording (and its compose) with the recording's directory as its one argument, as
          Jibri's `finalize-script`; its output goes to finalize.log there, failures reach the moderator. It runs as
          the service's user, inside the hardened unit: it can write only the recording directory.
        '';
      };

      maxConcurrent = mkOption {
        type = types.ints.positive;
        default = 4;
        description = "Meetings recorded at once at most; a moderator starting one more is told so.";
      };

      minFreeDiskMb = mkOption {
        type = types.ints.unsigned;
        default = 1024;
        description = "Free space (MiB) below which no recording starts and running ones stop, telling the moderator.";
      };
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
        restart a server that ran out of heap instead of leaving it half alive. The server runs with Netty's
        buffer-leak detector off; add `-Dio.netty.leakDetection.level=paranoid` here to hunt a leak.
      '';
    };

    classDataSharing = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Start from a class-data sharing archive of the server's own classes (AppCDS): ~4,000 classes mapped
        instead of loaded, verified and linked from the jar, a start-up several hundred milliseconds shorter
        (docs/performance.md). The archive is made by the server itself: the first run of a package (or JRE)
        writes it to the cache directory (`/var/cache/javameet`) as it stops, the next start checks it and uses
        it. Nothing goes to the Nix store; a missing or damaged archive only means a start without one.
      '';
    };

    lastN = mkOption {
      type = types.ints.between (-1) 1000;
      default = -1;
      example = 4;
      description = ''
        Each participant receives video from at most this many others: the most recent dominant speakers
        (screen shares always); the others' tiles show their avatar. Jitsi's name for it. `-1` sends everyone's
        video to everyone; `0` sends no camera video at all.
      '';
    };

    maxPublisherBitrateKbps = mkOption {
      type = types.ints.between 300 100000;
      default = 2500;
      example = 1500;
      description = ''
        The most any publisher is asked to send, in kbit/s: the ceiling of the REMB the server sends each
        publisher (what its receivers need is announced below it; a screen share, or a receiver whose tiles are
        unknown, gets exactly this). Lower it on a server whose uplinks or bandwidth bill are tight; raise it for
        1080p cameras (about 6,000 for three simulcast layers). Below 300 a camera's lowest layer and its
        microphone no longer fit, so the module refuses it, as the server does.
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
        assertion = cfg.limits.maxPublishSections >= cfg.limits.maxTracksPerParticipant;
        message = ''
          services.javameet.limits.maxPublishSections (${toString cfg.limits.maxPublishSections}) must be at least
          services.javameet.limits.maxTracksPerParticipant (${toString cfg.limits.maxTracksPerParticipant}).
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
        assertion = cfg.mediaPort + cfg.mediaLoops - 1 <= 65535 && cfg.mediaTcpPort + cfg.mediaLoops - 1 <= 65535;
        message = ''
          services.javameet.mediaLoops (${toString cfg.mediaLoops}) media loops take that many ports from mediaPort
          (${toString cfg.mediaPort}) and from mediaTcpPort (${toString cfg.mediaTcpPort}): past 65535.
        '';
      }
      {
        assertion = !(builtins.elem cfg.httpPort mediaTcpPorts);
        message = ''
          services.javameet.mediaTcpPort and httpPort are both TCP port ${toString cfg.httpPort}
          (mediaTcpPort defaults to mediaPort; with mediaLoops > 1 each loop takes the next port too); set
          mediaTcpPort to another port, or to 0 to turn ICE-TCP off.
        '';
      }
      {
        assertion = cfg.mediaTcpPort == 0 || cfg.mediaTcpPort >= 1024;
        message = ''
          services.javameet.mediaTcpPort (${toString cfg.mediaTcpPort}) must be 1024 or above (the service runs
          without capabilities), or 0 to turn ICE-TCP off.
        '';
      }
      {
        assertion = !cfg.nginx.enable || !(builtins.elem cfg.mediaTcpPort [ 80 443 ]);
        message = "services.javameet.mediaTcpPort must not be 80 or 443 while services.javameet.nginx.enable is true: nginx listens there.";
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
        assertion = cfg.nat.publicAddress == null || looksLikeIpLiteral cfg.nat.publicAddress;
        message = ''services.javameet.nat.publicAddress must be an IP address literal (browsers get it as an ICE candidate), not "${toString cfg.nat.publicAddress}".'';
      }
      {
        assertion = cfg.nat.localAddress == null || looksLikeIpLiteral cfg.nat.localAddress;
        message = ''services.javameet.nat.localAddress must be an IP address literal of this machine, not "${toString cfg.nat.localAddress}".'';
      }
      {
        # As jitsi-videobridge's module: a NAT mapping needs both ends.
        assertion = (cfg.nat.publicAddress == null) == (cfg.nat.localAddress == null);
        message = ''
          services.javameet.nat.publicAddress and services.javameet.nat.localAddress must be set together (the
          public address browsers reach and the private one the NAT maps it to), or neither. To announce other
          addresses without NAT, use services.javameet.settings.publicAddresses.
        '';
      }
      {
        assertion = cfg.auth.mode == "none" || cfg.auth.jwt.algorithm != "HS256" || cfg.auth.jwt.appSecretFile != null;
        message = ''services.javameet.auth.mode is "${cfg.auth.mode}" with HS256 tokens: set services.javameet.auth.jwt.appSecretFile.'';
      }
      {
        assertion = cfg.auth.mode == "none" || cfg.auth.jwt.algorithm != "RS256" || cfg.auth.jwt.publicKeyFile != null;
        message = ''services.javameet.auth.mode is "${cfg.auth.mode}" with RS256 tokens: set services.javameet.auth.jwt.publicKeyFile.'';
      }
    ]
    ++ map
      (name: {
        assertion = cfg.auth.jwt.${name} == null || isSecretPath cfg.auth.jwt.${name};
        message = ''
          services.javameet.auth.jwt.${name} must be an absolute path outside the Nix store (everything in the
          store is world-readable), e.g. "/run/secrets/javameet-jwt"; it is "${toString cfg.auth.jwt.${name}}".
        '';
      })
      [
        "appSecretFile"
        "publicKeyFile"
      ]
    ++ [
      {
        assertion = cfg.metrics.bearerTokenFile == null || isSecretPath cfg.metrics.bearerTokenFile;
        message = ''
          services.javameet.metrics.bearerTokenFile must be an absolute path outside the Nix store (everything in
          the store is world-readable), e.g. "/run/secrets/javameet-metrics-token"; it is
          "${toString cfg.metrics.bearerTokenFile}".
        '';
      }
      {
        assertion = !(cfg.settings ? metricsBearerTokenFile);
        message = ''
          services.javameet.settings.metricsBearerTokenFile is set: the service (a DynamicUser) could not read a
          root-owned file; use services.javameet.metrics.bearerTokenFile, read with LoadCredential=.
        '';
      }
      {
        assertion = !cfg.recording.enable || builtins.match "/var/lib/[^/.][^/]*(/[^/.][^/]*)*" cfg.recording.directory != null;
        message = ''
          services.javameet.recording.directory must be a directory under /var/lib (systemd creates it for the
          service's dynamic user); it is "${cfg.recording.directory}". Mount a larger disk there if needed.
        '';
      }
    ]
    ++ map
      (key: {
        assertion = !(cfg.settings.auth or { } ? ${key});
        message = ''
          services.javameet.settings.auth.${key} is set: a secret or key there would be written to the
          world-readable Nix store, and the service could not read a root-owned file. Use
          services.javameet.auth.jwt.appSecretFile (HS256) or publicKeyFile (RS256), read with LoadCredential=.
        '';
      })
      [
        "jwtSecret"
        "jwtSecretFile"
        "jwtPublicKeyFile"
      ]
    ++ optionals cfg.turn.enable [
      {
        assertion = cfg.turn.secretFile != null && isSecretPath cfg.turn.secretFile;
        message = ''
          services.javameet.turn.enable needs services.javameet.turn.secretFile: an absolute path outside the Nix
          store (everything in the store is world-readable), e.g. "/run/secrets/javameet-turn-secret"; it is
          "${toString cfg.turn.secretFile}".
        '';
      }
      {
        assertion = cfg.nginx.enable;
        message = ''
          services.javameet.turn.enable uses the ACME certificate of hostName for TURN over TLS, which
          services.javameet.nginx.enable obtains; turn it on (or set up coturn yourself).
        '';
      }
      {
        assertion = cfg.turn.minPort <= cfg.turn.maxPort;
        message = "services.javameet.turn.minPort (${toString cfg.turn.minPort}) must not be above maxPort (${toString cfg.turn.maxPort}).";
      }
      {
        assertion =
          cfg.turn.minPort >= 1024
          && !(builtins.any (port: port >= cfg.turn.minPort && port <= cfg.turn.maxPort) (
            mediaUdpPorts
            ++ [
              cfg.httpPort
              3478
              5349
            ]
          ));
        message = ''
          services.javameet.turn's relay range ${toString cfg.turn.minPort}-${toString cfg.turn.maxPort} must lie
          at or above 1024 and hold neither mediaPort (${toString cfg.mediaPort}), httpPort
          (${toString cfg.httpPort}) nor coturn's own 3478 and 5349.
        '';
      }
      {
        assertion = !(cfg.settings ? turn);
        message = ''
          services.javameet.settings.turn is set while services.javameet.turn.enable is on, which writes the
          turn section itself; use the services.javameet.turn options.
        '';
      }
    ];

    warnings = optional (cfg.nginx.enable && !isLoopback cfg.httpAddress) ''
      services.javameet.httpAddress is "${cfg.httpAddress}" while nginx fronts the server: plain HTTP is then
      reachable next to nginx's HTTPS unless the firewall blocks port ${toString cfg.httpPort}.
    '';

    # The media socket asks for 4 MiB send and receive buffers; Linux caps them at net.core.[rw]mem_max
    # (about 208 KiB by default), and a burst of keyframes then overflows them. jitsi-videobridge's module
    # sets the same 10 MiB.
    boot.kernel.sysctl = {
      "net.core.rmem_max" = mkDefault 10485760;
      "net.core.wmem_max" = mkDefault 10485760;
    };

    networking.firewall = {
      allowedTCPPorts =
        optionals cfg.nginx.enable [
          80
          443
        ]
        ++ optionals cfg.openFirewall mediaTcpPorts
        ++ optionals cfg.turn.enable turnSetup.firewall.allowedTCPPorts;
      allowedUDPPorts =
        optionals cfg.openFirewall mediaUdpPorts ++ optionals cfg.turn.enable turnSetup.firewall.allowedUDPPorts;
      allowedUDPPortRanges = optionals cfg.turn.enable turnSetup.firewall.allowedUDPPortRanges;
    };

    services.coturn = mkIf cfg.turn.enable turnSetup.coturn;

    # A renewed certificate reaches coturn by a restart (its credentials are copied at start).
    security.acme.certs = mkIf cfg.turn.enable {
      ${cfg.hostName}.reloadServices = [ "coturn.service" ];
    };

    services.nginx = mkIf cfg.nginx.enable {
      enable = true;
      # One zone of open connections per client address (binary form: 4 or 16 bytes a key; 10 MB holds ~160k).
      appendHttpConfig = ''
        limit_conn_zone $binary_remote_addr zone=javameet_per_address:10m;
      '';
      virtualHosts.${cfg.hostName} = {
        extraConfig = ''
          limit_conn javameet_per_address ${toString cfg.nginx.maxConnectionsPerAddress};
          limit_conn_status 429;
        '';
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

    systemd.services.coturn = mkIf cfg.turn.enable {
      # coturn starts with a certificate, and its secret and key come as credentials, never via the store
      wants = [ "acme-finished-${cfg.hostName}.target" ];
      after = [ "acme-finished-${cfg.hostName}.target" ];
      serviceConfig.LoadCredential = turnSetup.coturnLoadCredential;
    };

    systemd.services.javameet = {
      description = "javameet video meeting server";
      wantedBy = [ "multi-user.target" ];
      # The server looks up the machine's addresses at start to announce them as ICE candidates.
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];

      environment.JDK_JAVA_OPTIONS = escapeShellArgs cfg.jvmOptions;
      # compose runs ffmpeg as a separate process; finalize scripts may use it too
      path = optional cfg.recording.enable pkgs.ffmpeg-headless;

      serviceConfig = import ./service.nix {
        execStart =
          (if cfg.classDataSharing then "${pkgs.runtimeShell} ${./class-data-sharing.sh} " else "")
          + "${cfg.package}/bin/javameet --config ${configFile}";
        inherit credentials;
        cacheDirectories = optional cfg.classDataSharing "javameet";
        stateDirectories = [ "javameet" ] ++ optional cfg.recording.enable recordingStateDirectory;
        readWritePaths = optional cfg.recording.enable cfg.recording.directory;
      };
    };
  };
}
