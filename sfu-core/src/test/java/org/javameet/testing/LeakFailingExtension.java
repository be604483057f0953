package org.javameet.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a leak while it ran: after the class, collect
 * garbage, let the detectors look at what was collected, and fail with every leak record.
 *
 * <p>Registered for every test class of every module through {@code META-INF/services} plus
 * {@code junit.jupiter.extensions.autodetection.enabled} (surefire's configurationParameters in the root pom).
 * Surefire's argLine sets {@code io.netty.leakDetection.level=paranoid}, so every buffer is tracked and
 * each record says where the leaked buffer was allocated and last touched.
 *
 * <p>A leak is found when the garbage collector finds the buffer, which may be after the class that leaked
 * it has finished (a buffer held by a still-running event loop, say). The records' stack traces name the
 * code that leaked; the failing class is only where it was noticed.
 */
public final class LeakFailingExtension implements BeforeAllCallback, AfterAllCallback {
    private static final int GC_ROUNDS = 3;
    private static final Set<Class<?>> CHECKED = ConcurrentHashMap.newKeySet();

    static {
        // JUnit instantiates auto-detected extensions before it initialises any test class, so this runs
        // before a test can touch a ByteBuf and freeze AbstractByteBuf's detector.
        LeakRecorder.install();
    }

    /** Test classes this extension ran for (the self-test checks it is really registered). */
    public static boolean isChecking(Class<?> testClass) {
        return CHECKED.contains(testClass);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // make sure the ByteBuf detector exists, then that it is ours: if something initialised
        // AbstractByteBuf before install(), every leak would only be logged, and this extension would pass blind
        ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
        probe.release();
        if (!LeakRecorder.isRecording(ByteBuf.class)) {
            throw new IllegalStateException("Netty's ByteBuf leak detector was created before LeakFailingExtension "
                    + "installed its factory (something touched a ByteBuf before JUnit loaded extensions): "
                    + "leaks would not fail the build");
        }
        CHECKED.add(context.getRequiredTestClass());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LeakRecorder.provokeDetection(GC_ROUNDS);
        List<LeakRecorder.Leak> leaks = LeakRecorder.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty resource leak(s) detected by the end of "
                    + context.getRequiredTestClass().getName()
                    + " (the stack traces show where; it may have been leaked by an earlier class in this JVM):\n"
                    + leaks.stream().map(LeakRecorder.Leak::toString).collect(Collectors.joining("\n\n")));
        }
    }
}
