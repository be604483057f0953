# The client settings services.javameet.config and interfaceConfig know. They are declared once, for the
# server, the browser client and this module, in web-client/src/main/resources/javameet/web/client-settings.json;
# this file reads them with builtins only: module.nix makes typed options of them (a misspelt key fails at
# evaluation), settings.nix takes their defaults, and NixSettingsTest checks those against the server's.
# Each becomes name = { type ("bool" or "str"); default; description; jitsiName (where Jitsi's name differs);
# values (the only strings allowed, where the file declares them: module.nix makes an enum of them) }.
let
  declared = builtins.fromJSON (
    builtins.readFile ../web-client/src/main/resources/javameet/web/client-settings.json
  );
  nixTypes = {
    boolean = "bool";
    string = "str";
  };
  option =
    name: setting:
    {
      type = nixTypes.${setting.type};
      inherit (setting) default description;
    }
    // (if setting ? jitsiName then { inherit (setting) jitsiName; } else { })
    // (if setting ? values then { inherit (setting) values; } else { });
in
{
  # Jitsi Meet's config.js; the server's "client" section.
  config = builtins.mapAttrs option declared.client;
  # Jitsi Meet's interface_config.js; the server's "interface" section.
  interfaceConfig = builtins.mapAttrs option declared.interface;
}
