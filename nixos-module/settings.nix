# Turns services.javameet's options into the content of javameet's config file (docs/configuration.md).
#
# Needs only builtins, so CI can evaluate it without nixpkgs
# (`nix-instantiate --eval --strict --json`) and feed the result to the server's real config loader
# (signaling's NixSettingsTest). module.nix renders the result with pkgs.formats.json.
{
  httpAddress,
  httpPort,
  mediaPort,
  mediaTcpPort ? null, # null: the server's default, the mediaPort number; 0: ICE-TCP off
  mediaLoops ? null, # null: the server's default, one media loop
  publicAddress, # null: the server announces the machine's own addresses
  localAddress, # null: unset
  logLevel,
  # services.javameet.auth rendered by module.nix: the "auth" section's keys, null where unset
  # (jwtSecretFile / jwtPublicKeyFile then name the service's systemd credentials, never the admin's file).
  auth,
  config, # services.javameet.config: the "client" section (Jitsi's config.js)
  interfaceConfig, # services.javameet.interfaceConfig: the "interface" section (Jitsi's interface_config.js)
  limits ? { }, # services.javameet.limits: the "limits" section; missing names take the server's defaults
  settings, # freeform, merged last and recursively: it can set any key of the file
  # the "turn" section (urls, secretFile: javameet's systemd credential, credentialTtlSeconds), or null
  turn ? null,
  # services.javameet.recording rendered by module.nix: the "recording" section, or null (recording off: the
  # server's default, the key is left out)
  recording ? null,
  # the service's systemd credential holding services.javameet.metrics.bearerTokenFile's token, or null
  metricsBearerTokenFile ? null,
  # services.javameet.lastN: video from at most this many others per participant, the most recent speakers; -1 off
  lastN ? -1,
  # services.javameet.maxPublisherBitrateKbps: the most any publisher is asked to send (REMB), kbit/s
  maxPublisherBitrateKbps ? 2500,
}:
let
  # The client settings the module knows, with the server's defaults (ClientConfig / InterfaceConfig).
  # Written out in full so the rendered file shows every client setting.
  clientOptions = import ./client-options.nix;
  defaultsOf = builtins.mapAttrs (name: option: option.default);
  clientDefaults = defaultsOf clientOptions.config;
  interfaceDefaults = defaultsOf clientOptions.interfaceConfig;
  # Written out in full too, so the file shows every limit in force.
  limitDefaults = defaultsOf (import ./limit-options.nix);

  # Jitsi Meet's interface_config.js names an admin may bring along. Any other name passes through
  # unchanged, so a misspelt or unsupported one reaches the server, which refuses to start and names it
  # (module.nix's typed options stop it earlier, at evaluation).
  jitsiInterfaceNames = builtins.listToAttrs (
    map (name: {
      name = clientOptions.interfaceConfig.${name}.jitsiName;
      value = name;
    }) (builtins.filter (name: clientOptions.interfaceConfig.${name} ? jitsiName) (builtins.attrNames clientOptions.interfaceConfig))
  );

  renameInterfaceKeys =
    attrs:
    let
      renamed = map (name: {
        name = jitsiInterfaceNames.${name} or name;
        value = attrs.${name};
        from = name;
      }) (builtins.attrNames attrs);
      clashes = builtins.filter (
        entry: entry.from != entry.name && builtins.hasAttr entry.name attrs
      ) renamed;
      clash = builtins.head clashes;
    in
    if clashes != [ ] then
      throw "services.javameet.interfaceConfig sets both ${clash.from} and ${clash.name}; keep one of them"
    else
      builtins.listToAttrs (map (entry: { inherit (entry) name value; }) renamed);

  # lib.recursiveUpdate, with builtins only: attrsets merge, anything else (lists too) is replaced.
  recursiveUpdate =
    lhs: rhs:
    lhs
    // builtins.mapAttrs (
      name: value:
      if builtins.isAttrs value && builtins.isAttrs (lhs.${name} or null) then
        recursiveUpdate lhs.${name} value
      else
        value
    ) rhs;

  optionalAttr = name: value: if value == null then { } else { ${name} = value; };
  withoutNulls = attrs: builtins.removeAttrs attrs (builtins.filter (name: attrs.${name} == null) (builtins.attrNames attrs));

  fromOptions =
    {
      inherit
        httpAddress
        httpPort
        mediaPort
        logLevel
        lastN
        maxPublisherBitrateKbps
        ;
      client = clientDefaults // config;
      interface = interfaceDefaults // renameInterfaceKeys interfaceConfig;
      auth = withoutNulls auth;
      limits = limitDefaults // limits;
    }
    // optionalAttr "publicAddresses" (if publicAddress == null then null else [ publicAddress ])
    // optionalAttr "localAddress" localAddress
    // optionalAttr "turn" turn
    // optionalAttr "mediaTcpPort" mediaTcpPort
    // optionalAttr "metricsBearerTokenFile" metricsBearerTokenFile
    // optionalAttr "mediaLoops" mediaLoops
    // optionalAttr "recording" (if recording == null then null else withoutNulls recording);
in
recursiveUpdate fromOptions settings
