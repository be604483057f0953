# The javameet systemd unit's [Service] settings, with builtins only: module.nix uses them, and CI renders
# them to a unit file and scores it with `systemd-analyze security --offline=yes` (NixServiceTest), failing
# when the exposure rises above what is reached today.
{
  execStart,
  # name = file: systemd LoadCredential= entries; the service reads them under /run/credentials/javameet.service/
  credentials,
  # Directories under /var/lib that systemd creates and hands to the service's (dynamic) user; the first is
  # its home. Recording adds its directory here (module.nix), so the files belong to the service.
  stateDirectories ? [ "javameet" ],
  # What the service may write besides its state directories under ProtectSystem = "strict".
  readWritePaths ? [ ],
  # Directories under /var/cache for what can be made again: the class-data sharing archive
  # (class-data-sharing.sh finds it through $CACHE_DIRECTORY).
  cacheDirectories ? [ ],
}:
{
  ExecStart = execStart;
  Restart = "on-failure";
  RestartSec = 5;
  DynamicUser = true;
  StateDirectory = stateDirectories;
  CacheDirectory = cacheDirectories;
  ReadWritePaths = readWritePaths;
  WorkingDirectory = "%S/javameet";
  LimitNOFILE = 65536;
  # Secrets (the JWT key) come as credentials: a DynamicUser cannot read a root-owned file, and anything in
  # the Nix store is world-readable. systemd copies each file to a private, read-only place at start.
  LoadCredential = map (name: "${name}:${credentials.${name}}") (builtins.attrNames credentials);

  # Hardening. Not MemoryDenyWriteExecute: the JIT compiler writes and then runs machine code.
  MemoryDenyWriteExecute = false;
  ProtectSystem = "strict";
  ProtectHome = true;
  PrivateTmp = true;
  PrivateDevices = true;
  # A user namespace with only the service's user mapped, and a mount namespace of its own: the JVM binds
  # its sockets (ports >= 1024) and lists interfaces over netlink as before.
  PrivateUsers = true;
  PrivateMounts = true;
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
  # Neither @privileged (setuid, chown, mount, …) nor @resources (setrlimit, sched_setaffinity, mbind, …)
  # appear in an strace of the server through start-up and a meeting (docs/nixos.md); an attacker in the
  # process would want them. A filtered call fails with EPERM instead of killing the JVM mid-meeting.
  SystemCallFilter = [
    "@system-service"
    "~@privileged"
    "~@resources"
  ];
  SystemCallErrorNumber = "EPERM";
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
}
