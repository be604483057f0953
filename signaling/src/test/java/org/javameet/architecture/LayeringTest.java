package org.javameet.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.javameet.signaling.JavameetServer;

/**
 * The layering docs/architecture.md describes, checked on the compiled main classes of sfu-core and
 * signaling (this module sees both), so it stays true:
 * codecs → link/metrics → router → session → signaling, with transports and negotiation beside the router,
 * never under it.
 */
@AnalyzeClasses(packages = "org.javameet", importOptions = {ImportOption.DoNotIncludeTests.class,
        LayeringTest.NoTestJars.class})
class LayeringTest {
    private static final String[] CODECS = {"org.javameet.sfu.stun..", "org.javameet.sfu.rtp..",
            "org.javameet.sfu.rtcp..", "org.javameet.sfu.sdp..", "org.javameet.sfu.dtls..", "org.javameet.sfu.srtp..",
            "org.javameet.sfu.webm.."};

    /** sfu-core's test-jar (on this module's test classpath) holds test classes that DoNotIncludeTests misses. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    @ArchTest
    static final ArchRule codecsDependOnNothingAboveThem = noClasses()
            .that().resideInAnyPackage(CODECS)
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.metrics..", "org.javameet.sfu.link..",
                    "org.javameet.sfu.router..", "org.javameet.sfu.transport..", "org.javameet.sfu.webrtc..",
                    "org.javameet.sfu.net..", "org.javameet.sfu.session..", "org.javameet.signaling..")
            .because("codecs are parse/marshal over bytes; everything else builds on them");

    @ArchTest
    static final ArchRule codecsDoNoIo = noClasses()
            .that().resideInAnyPackage(CODECS)
            .should().dependOnClassesThat().resideInAnyPackage("io.netty.channel..", "io.netty.bootstrap..",
                    "java.nio.channels..")
            .because("codecs work on buffers (netty-buffer at most); only net and transport touch sockets");

    @ArchTest
    static final ArchRule routerKnowsNeitherNegotiationNorTransports = noClasses()
            .that().resideInAPackage("org.javameet.sfu.router..")
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.webrtc..", "org.javameet.sfu.sdp..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.dtls..", "org.javameet.sfu.net..",
                    "org.javameet.sfu.session..")
            .because("forwarding talks to MediaLinks and gets its parameters when producers and consumers are made");

    @ArchTest
    static final ArchRule transportsKnowNothingOfForwarding = noClasses()
            .that().resideInAPackage("org.javameet.sfu.transport..")
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.router..",
                    "org.javameet.sfu.session..")
            .because("a transport is one kind of MediaLink; the router is handed links, never the other way round");

    @ArchTest
    static final ArchRule negotiationIsSdpOnly = noClasses()
            .that().resideInAPackage("org.javameet.sfu.webrtc..")
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.router..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.net..", "org.javameet.sfu.session..")
            .because("negotiation turns SDP into values; session.ForwardingParams hands them to the router");

    @ArchTest
    static final ArchRule linkIsAnInterfaceOverCodecsOnly = noClasses()
            .that().resideInAPackage("org.javameet.sfu.link..")
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.router..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.webrtc..", "org.javameet.sfu.session..")
            .because("both the router and every kind of link depend on it");

    @ArchTest
    static final ArchRule bandwidthEstimationIsPure = noClasses()
            .that().resideInAPackage("org.javameet.sfu.bwe..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.javameet.sfu.router..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.link..", "org.javameet.sfu.metrics..",
                    "org.javameet.sfu.net..", "org.javameet.sfu.session..", "org.javameet.sfu.webrtc..")
            .because("the estimator is replayed from traces in tests: no I/O, no clock, no buffers, only parsed feedback");

    @ArchTest
    static final ArchRule speakerDetectionIsPure = noClasses()
            .that().resideInAPackage("org.javameet.sfu.speaker..")
            .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "org.javameet.sfu.router..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.link..", "org.javameet.sfu.metrics..",
                    "org.javameet.sfu.net..", "org.javameet.sfu.session..", "org.javameet.sfu.webrtc..")
            .because("speaker detection is replayed from level traces in tests: no I/O, no clock, no buffers");

    @ArchTest
    static final ArchRule signalingSeesOnlyTheMediaSessionFacade = noClasses()
            .that().resideInAPackage("org.javameet.signaling..")
            .and().doNotBelongToAnyOf(JavameetServer.class)
            .should().dependOnClassesThat(resideInAPackage("org.javameet.sfu..")
                    .and(not(resideInAPackage("org.javameet.sfu.session.."))))
            .because("rooms drive media through sfu.session.MediaRoom only");

    /**
     * JavameetServer is the wiring: it starts the MediaServer (net) with its certificate (dtls) and metrics,
     * and warms jitsi-srtp's AES up (srtp) before the first call on the media loop. That is all it may touch.
     */
    @ArchTest
    static final ArchRule serverWiringStaysOffTheMediaInternals = noClasses()
            .that().belongToAnyOf(JavameetServer.class)
            .should().dependOnClassesThat().resideInAnyPackage("org.javameet.sfu.router..",
                    "org.javameet.sfu.transport..", "org.javameet.sfu.webrtc..", "org.javameet.sfu.sdp..",
                    "org.javameet.sfu.link..");
}
