# What services.javameet.turn.enable sets up, with builtins only: module.nix uses it, and CI evaluates it
# (NixTurnTest) without nixpkgs. coturn relays for participants whose network blocks the media port:
# TURN REST API credentials (use-auth-secret: javameet issues them from the same secret file), TLS with the
# ACME certificate of hostName, a relay port range, and deny rules so the relay reaches no private address
# but javameet's own media address.
{
  hostName,
  realm,
  listeningPort, # TURN over UDP and TCP
  tlsListeningPort, # TURN over TLS (turns:)
  minPort, # the relay's UDP port range
  maxPort,
  # javameet's media addresses (nat.localAddress, nat.publicAddress, settings.publicAddresses): the only
  # peers the relay may reach inside the denied ranges
  allowedPeerAddresses,
  secretFile, # the admin's file with the shared secret (javameet reads the same one)
  certificateDirectory, # the ACME certificate of hostName: fullchain.pem, key.pem
}:
let
  # Ranges a relay must never reach from outside: RFC 1918 and RFC 6598 (CGNAT) private networks, loopback,
  # link-local, unique-local, and other special-purpose blocks (RFC 6890), as coturn's example config lists them.
  # coturn takes "first-last" ranges. Multicast is refused by no-multicast-peers; loopback peers are refused
  # by coturn anyway unless allow-loopback-peers, and denied here as well.
  deniedPeerRanges = [
    "0.0.0.0-0.255.255.255"
    "10.0.0.0-10.255.255.255"
    "100.64.0.0-100.127.255.255"
    "127.0.0.0-127.255.255.255"
    "169.254.0.0-169.254.255.255"
    "172.16.0.0-172.31.255.255"
    "192.0.0.0-192.0.0.255"
    "192.0.2.0-192.0.2.255"
    "192.88.99.0-192.88.99.255"
    "192.168.0.0-192.168.255.255"
    "198.18.0.0-198.19.255.255"
    "198.51.100.0-198.51.100.255"
    "203.0.113.0-203.0.113.255"
    "240.0.0.0-255.255.255.255"
    "::1"
    "64:ff9b::-64:ff9b::ffff:ffff"
    "::ffff:0.0.0.0-::ffff:255.255.255.255"
    "100::-100::ffff:ffff:ffff:ffff"
    "2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"
    "2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
    "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
  ];
  lines = builtins.concatStringsSep "\n";
  # where systemd puts coturn's credentials (LoadCredential below)
  credentialsDirectory = "/run/credentials/coturn.service";
in
{
  inherit deniedPeerRanges;

  # javameet's config: the turn section (the secret file is javameet's own credential, set by module.nix).
  urls = [
    "turn:${hostName}:${toString listeningPort}?transport=udp"
    "turn:${hostName}:${toString listeningPort}?transport=tcp"
    "turns:${hostName}:${toString tlsListeningPort}?transport=tcp"
  ];

  # The coturn unit's LoadCredential=: systemd reads these as root at every start and hands the unit private
  # copies, so neither the secret nor the ACME key must be readable by the turnserver user, and nothing secret
  # enters the Nix store. A renewed certificate is picked up by the restart ACME triggers (module.nix).
  coturnLoadCredential = [
    "turn-secret:${secretFile}"
    "cert.pem:${certificateDirectory}/fullchain.pem"
    "key.pem:${certificateDirectory}/key.pem"
  ];

  # services.coturn, by nixpkgs' option names (nixos/modules/services/networking/coturn.nix).
  coturn = {
    enable = true;
    inherit realm;
    listening-port = listeningPort;
    tls-listening-port = tlsListeningPort;
    min-port = minPort;
    max-port = maxPort;
    use-auth-secret = true;
    # read by the unit's preStart (first line) from its credential; never in the store
    static-auth-secret-file = "${credentialsDirectory}/turn-secret";
    cert = "${credentialsDirectory}/cert.pem";
    pkey = "${credentialsDirectory}/key.pem";
    no-cli = true;
    # browsers speak TURN over UDP, TCP and TLS, never DTLS
    no-dtls = true;
    extraConfig = lines (
      [
        "fingerprint"
        "no-multicast-peers"
        "no-tlsv1"
        "no-tlsv1_1"
      ]
      ++ map (range: "denied-peer-ip=${range}") deniedPeerRanges
      ++ map (address: "allowed-peer-ip=${address}") allowedPeerAddresses
    ) + "\n";
  };

  firewall = {
    allowedUDPPorts = [ listeningPort ];
    allowedTCPPorts = [
      listeningPort
      tlsListeningPort
    ];
    allowedUDPPortRanges = [
      {
        from = minPort;
        to = maxPort;
      }
    ];
  };
}
