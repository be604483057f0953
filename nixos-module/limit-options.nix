# The server's abuse limits (the config file's "limits" section, docs/configuration.md), with builtins only:
# module.nix makes typed options of them (services.javameet.limits.<name>, an integer in min..max, so a typo or an
# out-of-range value fails at evaluation), settings.nix writes them all out, and NixSettingsTest checks names,
# defaults and ranges against the server's LimitsConfig. Each is name = { default; min; max; description; }.
let
  limit = default: min: max: description: { inherit default min max description; };
in
{
  maxTracksPerParticipant = limit 8 1 1000 "Sending audio/video tracks in one publish offer (camera, microphone and screen need 3); more: too-many-tracks.";
  maxPublishSections = limit 64 1 1000 "m-sections of any kind in one publish offer; at least maxTracksPerParticipant.";
  maxSubscribeSections = limit 300 1 100000 "m-sections another participant's subscribe offer may reach; a publish that would exceed it gets too-many-tracks.";
  maxDtlsHandshakes = limit 32 1 10000 "DTLS handshakes at once, also the DTLS thread pool's size.";
  maxDtlsHandshakesPerAddress = limit 8 1 10000 "DTLS handshakes at once from one IP address (each participant needs 2).";
  maxMessagesPerSecond = limit 20 1 10000 "WebSocket messages per connection per second (burst 3 s worth); the excess is dropped (rate-limited).";
  maxChatMessagesPerSecond = limit 2 1 1000 "Chat messages per connection per second (burst 5 s worth, at least 5).";
  maxPasswordAttempts = limit 5 1 1000 "Wrong room passwords from one address before it must wait 1 s, doubling to 60 s (too-many-attempts).";
  maxConnections = limit 10000 1 1000000 "Open TCP connections to the HTTP port in total.";
  maxConnectionsPerAddress = limit 100 1 1000000 "Open TCP connections from one non-loopback address (behind nginx see nginx.maxConnectionsPerAddress).";
  requestTimeoutSeconds = limit 10 1 3600 "Seconds an HTTP request may take to arrive in full from its first byte (slowloris).";
  resumeGraceSeconds = limit 30 1 600 "Seconds a participant whose WebSocket dropped (or whose media consent expired) is kept, shown as reconnecting, for a resume.";
  maxTcpMediaConnections = limit 2048 1 1000000 "Open connections to the ICE-TCP media port in total; more are closed on accept.";
  maxTcpMediaConnectionsPerAddress = limit 256 1 1000000 "Open ICE-TCP connections from one IP address (a participant over TCP needs 2).";
  maxRooms = limit 1000 1 1000000 "Open rooms; a join that would create one more gets server-full.";
  maxRoomsPerAddress = limit 10 1 1000000 "Open rooms one client address (X-Real-IP behind nginx) created; one more gets too-many-rooms.";
  maxOccupants = limit 100 1 10000 "Participants per room (Prosody's muc_max_occupants); one more gets room-full.";
  maxLobbyWaiters = limit 50 1 10000 "People waiting in one room's lobby; one more gets lobby-full.";
  maxLobbyWaitersPerAddress = limit 5 1 10000 "Lobby places one client address holds over all rooms; one more gets too-many-waiting.";
}
