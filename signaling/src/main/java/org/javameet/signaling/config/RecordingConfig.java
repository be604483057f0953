package org.javameet.signaling.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The config file's {@code recording} section (issue 12, docs/configuration.md "recording"): whether moderators may
 * record, where the files go, what happens after a recording stops, and the limits that keep recordings from
 * taking the server down.
 *
 * @param enabled        off: {@code startRecording} is refused with {@code recording-disabled}
 * @param directory      where each recording gets its own sub-directory; must be writable by the server
 * @param compose        after a recording stops, run {@code ffmpeg} to make one composed file (grid + mixed audio)
 * @param finalizeScript run with the recording's directory as its one argument after manifest and compose, or null
 * @param maxConcurrent  recordings running at once on this server; more are refused with {@code too-many-recordings}
 * @param minFreeDiskMb  below this much free space a recording is not started, and a running one stops
 */
public record RecordingConfig(boolean enabled, String directory, boolean compose, String finalizeScript,
                              int maxConcurrent, int minFreeDiskMb) {

    static final List<String> KEYS = List.of("enabled", "directory", "compose", "finalizeScript", "maxConcurrent",
            "minFreeDiskMb");
    private static final Map<String, String> HINTS = Map.of("recordingsDirectory", "directory",
            "recordings-directory", "directory", "finalize-script", "finalizeScript", "enable", "enabled");

    private static final RecordingConfig DEFAULTS = new RecordingConfig(false, "recordings", false, null, 4, 1024);

    public RecordingConfig {
        if (directory == null || directory.isBlank()) {
            throw new IllegalArgumentException("recording.directory must not be empty");
        }
        if (maxConcurrent < 1 || minFreeDiskMb < 0) {
            throw new IllegalArgumentException("recording.maxConcurrent >= 1, recording.minFreeDiskMb >= 0");
        }
    }

    public static RecordingConfig defaults() {
        return DEFAULTS;
    }

    public RecordingConfig withEnabled(boolean on, String dir) {
        return new RecordingConfig(on, dir, compose, finalizeScript, maxConcurrent, minFreeDiskMb);
    }

    public RecordingConfig withCompose(boolean on, String script) {
        return new RecordingConfig(enabled, directory, on, script, maxConcurrent, minFreeDiskMb);
    }

    public RecordingConfig withLimits(int concurrent, int freeMb) {
        return new RecordingConfig(enabled, directory, compose, finalizeScript, concurrent, freeMb);
    }

    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode n = mapper.createObjectNode()
                .put("enabled", enabled)
                .put("directory", directory)
                .put("compose", compose);
        if (finalizeScript != null) {
            n.put("finalizeScript", finalizeScript);
        }
        return n.put("maxConcurrent", maxConcurrent).put("minFreeDiskMb", minFreeDiskMb);
    }

    static RecordingConfig fromJson(ConfigReader r, JsonNode node, String path) throws ConfigException {
        boolean enabled = DEFAULTS.enabled;
        String directory = DEFAULTS.directory;
        boolean compose = DEFAULTS.compose;
        String script = DEFAULTS.finalizeScript;
        int concurrent = DEFAULTS.maxConcurrent;
        int freeMb = DEFAULTS.minFreeDiskMb;
        for (Map.Entry<String, JsonNode> field : r.fields(node, path)) {
            String key = ConfigReader.join(path, field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "enabled" -> enabled = r.bool(value, key);
                case "directory" -> {
                    directory = r.string(value, key);
                    if (directory.isBlank()) {
                        throw r.error(key, "\"" + key + "\" must name a directory, got an empty string");
                    }
                }
                case "compose" -> compose = r.bool(value, key);
                case "finalizeScript" -> {
                    script = value.isNull() ? null : r.string(value, key);
                    if (script != null && script.isBlank()) {
                        script = null;
                    }
                }
                case "maxConcurrent" -> concurrent = r.intIn(value, key, 1, 1000);
                case "minFreeDiskMb" -> freeMb = r.intIn(value, key, 0, 10_000_000);
                default -> throw r.unknownKey(path, field.getKey(), KEYS, HINTS);
            }
        }
        return new RecordingConfig(enabled, directory, compose, script, concurrent, freeMb);
    }
}
