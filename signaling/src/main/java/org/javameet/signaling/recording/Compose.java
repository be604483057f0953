package org.javameet.signaling.recording;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.javameet.sfu.session.RecordingSummary;

/**
 * The {@code ffmpeg} command that composes a recording into one file: every video track a tile of a grid
 * ({@code xstack}), black until the track starts, its last picture held after it ends; every audio track
 * delayed to its start and mixed ({@code amix}). Files already carry meeting-clock timestamps; each input is
 * reset to zero and shifted by its start from the manifest, so the filter graph does not depend on how a
 * demuxer treats a first timestamp that is not zero.
 */
final class Compose {
    static final int TILE_WIDTH = 640;
    static final int TILE_HEIGHT = 360;
    static final int FPS = 15;

    /** {@code nice} from the PATH (coreutils: there on Debian and on a NixOS service's path), or null. */
    private static final String NICE = onPath("nice");

    private Compose() {
    }

    private static String onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
                return tool;
            }
        }
        return null;
    }

    /** The command, or null when no file has frames. */
    static List<String> command(RecordingSummary summary, Path output) {
        List<RecordingSummary.Track> videos = new ArrayList<>();
        List<RecordingSummary.Track> audios = new ArrayList<>();
        for (RecordingSummary.Track t : summary.tracks()) {
            if (t.file() != null && t.frames() > 0) {
                (t.kind().equals("video") ? videos : audios).add(t);
            }
        }
        if (videos.isEmpty() && audios.isEmpty()) {
            return null;
        }
        double total = (summary.endWallMs() - summary.startWallMs()) / 1000.0;
        List<String> cmd = new ArrayList<>();
        if (NICE != null) {
            // re-encoding takes minutes of CPU on the cores live meetings use: they go first
            cmd.addAll(List.of(NICE, "-n", "10"));
        }
        cmd.addAll(List.of("ffmpeg", "-nostdin", "-y", "-v", "warning"));
        for (RecordingSummary.Track t : videos) {
            // A simulcast track's file changes resolution where its layer changed. By default ffmpeg rebuilds
            // the whole filter graph then, restarting the audio mix's timestamps (the composed audio went
            // backwards); scale takes the new size frame by frame instead.
            cmd.addAll(List.of("-reinit_filter", "0", "-i", t.file().getFileName().toString()));
        }
        for (RecordingSummary.Track t : audios) {
            cmd.addAll(List.of("-i", t.file().getFileName().toString()));
        }
        StringBuilder graph = new StringBuilder();
        int n = videos.size();
        if (n > 0) {
            int cols = (int) Math.ceil(Math.sqrt(n));
            int rows = (n + cols - 1) / cols;
            for (int i = 0; i < n; i++) {
                graph.append(String.format(Locale.ROOT, "[%d:v]setpts=PTS-STARTPTS,fps=%d,scale=%d:%d:"
                                + "force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2,setsar=1,"
                                + "tpad=start_duration=%.3f:stop_mode=clone:stop_duration=%.3f[v%d];",
                        i, FPS, TILE_WIDTH, TILE_HEIGHT, TILE_WIDTH, TILE_HEIGHT, videos.get(i).startMs() / 1000.0,
                        total, i));
            }
            if (n == 1) {
                graph.append("[v0]null[vout];");
            } else {
                StringBuilder layout = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    graph.append("[v").append(i).append(']');
                    layout.append(i == 0 ? "" : "|").append((i % cols) * TILE_WIDTH).append('_')
                            .append((i / cols) * TILE_HEIGHT);
                }
                graph.append(String.format(Locale.ROOT, "xstack=inputs=%d:layout=%s:fill=black[grid];", n, layout));
                graph.append(String.format(Locale.ROOT, "[grid]pad=%d:%d[vout];", cols * TILE_WIDTH,
                        rows * TILE_HEIGHT));
            }
        }
        if (!audios.isEmpty()) {
            for (int i = 0; i < audios.size(); i++) {
                long delay = Math.max(0, audios.get(i).startMs());
                graph.append(String.format(Locale.ROOT, "[%d:a]asetpts=PTS-STARTPTS,aresample=async=1000,"
                        + "adelay=%d:all=1[a%d];", n + i, delay, i));
            }
            for (int i = 0; i < audios.size(); i++) {
                graph.append("[a").append(i).append(']');
            }
            graph.append(String.format(Locale.ROOT, "amix=inputs=%d:duration=longest:normalize=0[aout];",
                    audios.size()));
        }
        graph.setLength(graph.length() - 1);
        cmd.addAll(List.of("-filter_complex", graph.toString()));
        if (n > 0) {
            cmd.addAll(List.of("-map", "[vout]", "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
                    "-b:v", "1500k"));
        }
        if (!audios.isEmpty()) {
            cmd.addAll(List.of("-map", "[aout]", "-c:a", "libopus", "-b:a", "64k"));
        }
        cmd.addAll(List.of("-t", String.format(Locale.ROOT, "%.3f", total), output.getFileName().toString()));
        return cmd;
    }
}
