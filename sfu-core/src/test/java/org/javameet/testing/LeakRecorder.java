package org.javameet.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;

/**
 * Netty's leak detector with a memory: every leak report is kept here (and still logged) so a test run can
 * fail on it instead of printing {@code LEAK:} into a log nobody reads.
 *
 * <p>Netty creates each detector once, in a static initialiser ({@code AbstractByteBuf.leakDetector} for
 * ByteBufs), from whatever factory is installed at that moment. {@link #install()} must therefore run
 * before anything touches a ByteBuf; {@link #isRecording(Class)} tells whether it did.
 */
public final class LeakRecorder {
    /** Leaks whose records contain this hint are test fixtures: recorded, but not logged as errors. */
    public static final String EXPECTED_LEAK_HINT = "javameet-expected-leak:";

    /** One report from Netty's detector. */
    public record Leak(String resourceType, String records) {
        @Override
        public String toString() {
            return "LEAK of " + resourceType + (records.isEmpty()
                    ? " (untraced: run with -Dio.netty.leakDetection.level=paranoid to see where)" : ":" + records);
        }
    }

    private static final List<Leak> LEAKS = new CopyOnWriteArrayList<>();
    private static final List<RecordingDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
    private static final Set<Class<?>> RECORDED_TYPES = new CopyOnWriteArraySet<>();
    private static final Object PROBE = new Object();

    private LeakRecorder() {
    }

    /** Installs the recording factory; idempotent. Affects only detectors Netty creates from now on. */
    public static synchronized void install() {
        if (!(ResourceLeakDetectorFactory.instance() instanceof Factory)) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Factory());
        }
    }

    /** True when the detector Netty uses for {@code resourceType} (e.g. ByteBuf.class) came from this recorder. */
    public static boolean isRecording(Class<?> resourceType) {
        return RECORDED_TYPES.contains(resourceType);
    }

    /**
     * Makes the detectors look at what the garbage collector found. Netty only checks its reference queue
     * when it starts tracking a new object, so after each collection every detector tracks (and closes) a
     * probe object, which drains the queue whatever the sampling level.
     */
    public static void provokeDetection(int rounds) {
        for (int i = 0; i < rounds; i++) {
            System.gc();
            try {
                Thread.sleep(20); // the Reference Handler thread enqueues phantom references after the collection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (RecordingDetector<?> d : DETECTORS) {
                d.drainQueue();
            }
        }
    }

    /** Every leak recorded so far; clears the record. */
    public static List<Leak> drain() {
        List<Leak> out = new ArrayList<>(LEAKS);
        LEAKS.removeAll(out);
        return out;
    }

    /** Removes and returns the recorded leaks that match, leaving the others for whoever checks next. */
    public static List<Leak> take(Predicate<Leak> which) {
        List<Leak> out = new ArrayList<>();
        for (Leak l : LEAKS) {
            if (which.test(l)) {
                out.add(l);
            }
        }
        LEAKS.removeAll(out);
        return out;
    }

    private static final class Factory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            RecordingDetector<T> d = new RecordingDetector<>(resource, samplingInterval);
            DETECTORS.add(d);
            RECORDED_TYPES.add(resource);
            return d;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        /** Report even when no error logger is configured: the record, not the log line, fails the build. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(new Leak(resourceType, records));
            if (!records.contains(EXPECTED_LEAK_HINT)) {
                super.reportTracedLeak(resourceType, records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(new Leak(resourceType, ""));
            super.reportUntracedLeak(resourceType);
        }

        @SuppressWarnings("unchecked")
        void drainQueue() {
            // trackForcibly reports whatever the queue holds before it starts tracking the probe
            ResourceLeakTracker<Object> t = ((ResourceLeakDetector<Object>) this).trackForcibly(PROBE);
            if (t != null) {
                t.close(PROBE);
            }
        }
    }
}
