package org.javameet.bench.load.run;

import java.util.List;
import org.javameet.peer.MeasurementWindow;
import java.util.OptionalDouble;

/** The server side of one run: started (or found) before the participants join, stopped after. */
public interface TargetServer extends AutoCloseable {
    Target target();

    /** The process to watch in /proc, 0 when unknown (a server the harness did not start, without --server-pid). */
    long pid();

    /** A participant of {@code room}, not yet joined. */
    LoadParticipant participant(String room, int index, boolean publisher) throws Exception;

    /**
     * A participant whose downlink is behind {@code --receiver-cap} when {@code capped}; targets without caps
     * (Janus, the baseline: the option applies to javameet only) ignore it.
     */
    default LoadParticipant participant(String room, int index, boolean publisher, boolean capped) throws Exception {
        return participant(room, index, publisher);
    }

    /** Called once every participant has joined (Janus subscribes then, to every feed of the room). */
    default void allJoined(List<LoadParticipant> participants) throws Exception {
    }

    /** The send-time window this target's participants count in (their runtime's). */
    MeasurementWindow window();

    /** The measured window opens now (javameet samples its recorder threads' CPU). */
    default void windowOpening() {
    }

    /**
     * The window closed and its grace passed: what the report should add about work done besides forwarding
     * (javameet: its recordings), or null. Wall-clock times of the window, for files timed on the server's clock.
     */
    default String afterWindow(long windowStartEpochMs, long windowEndEpochMs) throws Exception {
        return null;
    }

    /** What the report should say about this target's build, or null. */
    default String note() {
        return null;
    }

    /** The server's own count of forwarded RTP packets, when it exposes one. */
    default OptionalDouble forwardedCounter() {
        return OptionalDouble.empty();
    }

    /**
     * The server's pacer counters, {packets held back, packets sent overdue} (javameet's
     * {@code javameet_media_paced_*}), or null when it has none.
     */
    default double[] pacerCounters() {
        return null;
    }

    @Override
    void close();

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + "/bin/java");
    }
}
