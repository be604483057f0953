# The client settings services.javameet.config and interfaceConfig know, written once, with builtins only:
# module.nix makes typed options of them (a misspelt key fails at evaluation), settings.nix takes their
# defaults, and NixSettingsTest checks those defaults against the server's (ClientConfig, InterfaceConfig).
# type: "bool" or "str". jitsiName: the interface_config.js name an admin may bring from Jitsi Meet.
{
  # Jitsi Meet's config.js; the server's "client" section.
  config = {
    prejoinPageEnabled = {
      type = "bool";
      default = true;
      description = "Show the prejoin page (camera preview, name, mic and camera toggles) before joining.";
    };
    disableModeratorIndicator = {
      type = "bool";
      default = false;
      description = "Hide the moderator star on tiles.";
    };
    startWithAudioMuted = {
      type = "bool";
      default = false;
      description = "Join with the microphone off.";
    };
    startWithVideoMuted = {
      type = "bool";
      default = false;
      description = "Join with the camera off.";
    };
    requireDisplayName = {
      type = "bool";
      default = false;
      description = "The Join button needs a name.";
    };
    enableLobby = {
      type = "bool";
      default = false;
      description = "New rooms start with the lobby on.";
    };
  };

  # Jitsi Meet's interface_config.js; the server's "interface" section.
  interfaceConfig = {
    appName = {
      type = "str";
      default = "javameet";
      jitsiName = "APP_NAME";
      description = "The product name shown in the page title and on the welcome page.";
    };
    showWatermark = {
      type = "bool";
      default = true;
      jitsiName = "SHOW_JITSI_WATERMARK";
      description = "Show the logo in the meeting's corner.";
    };
    logoUrl = {
      type = "str";
      default = "";
      jitsiName = "DEFAULT_LOGO_URL";
      description = "URL of the logo; empty for the built-in one.";
    };
    welcomeText = {
      type = "str";
      default = "Secure, self-hosted video meetings.";
      description = "Text under the title on the welcome page.";
    };
  };
}
