# NixOS VM test of services.javameet: a server VM runs the module behind nginx, a client VM uses it.
# Runs on a Linux machine with KVM and nixpkgs: `nix build .#checks.x86_64-linux.vm-test -L`.
# Interactive: `nix run .#checks.x86_64-linux.vm-test.driverInteractive`.
{
  pkgs,
  # The module under test; the flake passes nixosModules.default (which sets the package it builds).
  module ? ./module.nix,
}:
let
  mediaPort = 10000;

  # RFC 5389 section 6: a Binding request is type 0x0001, length 0, the magic cookie and a 96-bit
  # transaction id. It carries no attributes: no USERNAME, MESSAGE-INTEGRITY or FINGERPRINT.
  stunProbe = pkgs.writeText "stun-probe.py" ''
    import os
    import socket
    import struct
    import sys

    host, port = sys.argv[1], int(sys.argv[2])
    request = struct.pack("!HHI", 0x0001, 0, 0x2112A442) + os.urandom(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _ in range(3):
            sock.sendto(request, (socket.gethostbyname(host), port))
  '';
in
pkgs.testers.runNixOSTest {
  name = "javameet";

  nodes = {
    server =
      { lib, ... }:
      {
        imports = [ module ];
        services.javameet = {
          enable = true;
          hostName = "meet.test";
          inherit mediaPort;
        };
        # The VMs have no Internet, so no ACME: the same nginx virtual host, over plain HTTP.
        services.nginx.virtualHosts."meet.test" = {
          enableACME = lib.mkForce false;
          forceSSL = lib.mkForce false;
        };
        virtualisation.memorySize = 2048;
      };

    client =
      { nodes, pkgs, ... }:
      {
        networking.extraHosts = "${nodes.server.networking.primaryIPAddress} meet.test";
        environment.systemPackages = [
          pkgs.curl
          pkgs.python3
        ];
      };
  };

  testScript = ''
    def dropped_stun_unknown_ufrag():
        metrics = server.succeed("curl -sSf http://127.0.0.1:8080/metrics")
        for line in metrics.splitlines():
            if line.startswith("javameet_media_dropped_packets_total{") and 'reason="stun_unknown_ufrag"' in line:
                return float(line.split()[-1])
        return 0.0  # the counter appears with its first packet

    start_all()
    server.wait_for_unit("javameet.service")
    server.wait_for_unit("nginx.service")
    server.wait_for_open_port(8080)
    server.wait_for_open_port(80)
    server.wait_until_succeeds("ss -Huln 'sport = :${toString mediaPort}' | grep -q .")
    server.wait_for_open_port(${toString mediaPort})  # ICE-TCP: the media port's number over TCP too
    client.wait_for_unit("multi-user.target")

    with subtest("the web page comes through nginx"):
        page = client.succeed("curl -sSf http://meet.test/")
        assert "javameet" in page, page[:500]

    with subtest("/ws upgrades to a WebSocket through nginx"):
        # RFC 6455 section 1.3's example key, whose accept value is known. curl keeps reading the
        # upgraded stream until --max-time, so its exit status says nothing; the headers do.
        headers = client.succeed(
            "curl -sS --http1.1 --max-time 5 -o /dev/null -D - "
            "-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' "
            "-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "
            "http://meet.test/ws || true"
        )
        assert headers.startswith("HTTP/1.1 101"), headers
        assert "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" in headers, headers

    with subtest("/metrics answers on the server itself and is refused to others"):
        server.succeed("curl -sSf -o /dev/null --resolve meet.test:80:127.0.0.1 http://meet.test/metrics")
        client.fail("curl -sSf http://meet.test/metrics")

    with subtest("the UDP media port is open: a STUN binding request reaches the media socket"):
        # The server is ICE-lite and answers a binding request only when its USERNAME names an ICE ufrag
        # it handed out over /ws, with MESSAGE-INTEGRITY under that ufrag's password; anything else is
        # dropped without creating state (docs: DESIGN "Media plane"). So a bare request gets no answer,
        # and the proof that it crossed the firewall and reached the socket is the drop counter going up.
        before = dropped_stun_unknown_ufrag()
        client.succeed("python3 ${stunProbe} meet.test ${toString mediaPort}")
        retry(lambda last_try: dropped_stun_unknown_ufrag() > before, timeout=30)

    with subtest("the service runs hardened, as a dynamic user"):
        server.succeed("systemctl show javameet -p DynamicUser | grep -q yes")
        server.succeed("systemctl show javameet -p ProtectSystem | grep -q strict")
        server.succeed("systemctl show javameet -p PrivateUsers | grep -q yes")

    with subtest("nginx caps open connections per client address"):
        server.succeed("nginx -T 2>/dev/null | grep -q 'limit_conn javameet_per_address 100;'")

    with subtest("the kernel lets the media socket have its 4 MiB buffers"):
        assert int(server.succeed("sysctl -n net.core.rmem_max")) >= 4 * 1024 * 1024
        assert int(server.succeed("sysctl -n net.core.wmem_max")) >= 4 * 1024 * 1024
  '';
}
