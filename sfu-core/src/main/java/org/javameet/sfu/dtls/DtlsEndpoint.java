package org.javameet.sfu.dtls;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpProfile;

/**
 * One DTLS 1.2 association with {@code use_srtp} (RFC 5764) over an external datagram path:
 * the SFU is the {@link Role#SERVER}, the Java test participant / load generator the
 * {@link Role#CLIENT}. Peers authenticate with self-signed certificates checked against the
 * fingerprint from the remote SDP (RFC 8122, RFC 8827 §6.5), never by chain.
 *
 * <h2>Use</h2>
 * <pre>
 * DtlsEndpoint dtls = new DtlsEndpoint(Role.SERVER, certificate, remoteFingerprint, socketSender, dtlsPool, listener);
 * dtls.start();
 * // network thread, for every datagram whose first byte is 20..63 (RFC 7983):
 * dtls.onDatagram(bytes);
 * // later
 * dtls.close();
 * </pre>
 * The remote fingerprint may be {@code null} at construction and given later with
 * {@link #setRemoteFingerprint}: a browser answering our offer can start DTLS before its
 * answer reaches us. The handshake then proceeds, and {@link Listener#onConnected} waits
 * until the fingerprint is known and matches.
 *
 * <h2>Threads</h2>
 * BouncyCastle's handshake is blocking, so {@link #start()} runs it as one task on the
 * executor; that task holds a thread for up to the handshake timeout (normally one or two
 * round trips). {@link #onDatagram} never blocks: datagrams go into a bounded queue
 * (dropped and counted when full). After the handshake each arriving datagram schedules a
 * short non-blocking drain task on the executor, which answers a retransmitted final flight
 * and handles close_notify and alerts; application data is counted and discarded (no SCTP).
 * {@link #onDatagram}, {@link #setRemoteFingerprint} and {@link #close} may be called from any
 * thread.
 *
 * <h2>Callbacks</h2>
 * All {@link Listener} methods run on the executor. Exactly one of {@code onConnected} or
 * {@code onFailed} is delivered per endpoint, and {@code onClosed} at most once, only after
 * {@code onConnected}, when the peer closes (close_notify or fatal alert). Nothing is delivered
 * for a local {@link #close()} once it returns, except that a callback already in progress may
 * still be running.
 */
public final class DtlsEndpoint implements AutoCloseable {

    public enum Role {
        /** Accepts the handshake: the SFU (it always takes {@code a=setup:passive}). */
        SERVER,
        /** Starts the handshake: the Java test participant. */
        CLIENT
    }

    public enum State { NEW, HANDSHAKING, AWAITING_FINGERPRINT, CONNECTED, FAILED, CLOSED }

    /** Outcome of the association; see the class comment for threading and ordering. */
    public interface Listener {
        /** The handshake finished and the peer's fingerprint matched; {@code keys} are ours. */
        void onConnected(SrtpKeys keys);

        void onFailed(DtlsException e);

        /** The peer closed a connected association. */
        void onClosed();
    }

    /**
     * Tunables. {@code sendLimit} is the largest datagram we send (the certificate flight is
     * fragmented to fit, as browsers expect); {@code receiveLimit} the largest we accept.
     * {@code srtpProfiles} is our preference order.
     */
    public record Options(int handshakeTimeoutMillis, int initialRetransmitMillis, int queueCapacity,
                          int sendLimit, int receiveLimit, List<SrtpProfile> srtpProfiles) {
        public Options {
            srtpProfiles = List.copyOf(srtpProfiles);
            if (srtpProfiles.isEmpty()) {
                throw new IllegalArgumentException("at least one SRTP profile");
            }
            if (handshakeTimeoutMillis <= 0 || initialRetransmitMillis <= 0 || queueCapacity <= 0) {
                throw new IllegalArgumentException("timeouts and queue capacity must be positive");
            }
            if (sendLimit < 256 || receiveLimit < sendLimit) {
                throw new IllegalArgumentException("sendLimit >= 256 and receiveLimit >= sendLimit");
            }
        }

        /** 30 s handshake (what browsers allow), 1 s first retransmit (RFC 6347 §4.2.4.1), 1200-byte datagrams, GCM before AES-CM. */
        public static Options defaults() {
            return new Options(30_000, 1_000, 64, 1200, 1500,
                    List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80));
        }

        public Options withSrtpProfiles(List<SrtpProfile> profiles) {
            return new Options(handshakeTimeoutMillis, initialRetransmitMillis, queueCapacity, sendLimit, receiveLimit, profiles);
        }

        public Options withTimeouts(int handshakeTimeoutMillis, int initialRetransmitMillis) {
            return new Options(handshakeTimeoutMillis, initialRetransmitMillis, queueCapacity, sendLimit, receiveLimit, srtpProfiles);
        }
    }

    private final Role role;
    private final DtlsCertificate certificate;
    private final Executor executor;
    private final Listener listener;
    private final Options options;
    private final QueueDatagramTransport transport;
    private final Hooks hooks = new Hooks();

    private final Object lock = new Object();       // guards the fields below
    private State state = State.NEW;
    private DtlsFingerprint remoteFingerprint;
    private byte[] peerCertificateDer;
    private DtlsException.Reason failureReason;
    private String failureMessage;
    private SrtpProfile profile;
    private byte[] keyingMaterial;
    private SrtpKeys keys;
    private DTLSTransport dtls;
    /** Written before the handshake task is submitted, read by it. */
    private volatile DtlsCookieExchange.Verified verifiedHello;

    /** Serialises every use of {@link #dtls} after the handshake (drain and close). */
    private final Object ioLock = new Object();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private byte[] applicationBuffer;
    private volatile boolean closeNotifyReceived;

    private final LongAdder received = new LongAdder();
    private final LongAdder applicationData = new LongAdder();

    public DtlsEndpoint(Role role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                        DatagramSender sender, Executor executor, Listener listener) {
        this(role, certificate, remoteFingerprint, sender, executor, listener, Options.defaults());
    }

    public DtlsEndpoint(Role role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                        DatagramSender sender, Executor executor, Listener listener, Options options) {
        this.role = Objects.requireNonNull(role, "role");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.remoteFingerprint = remoteFingerprint;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        this.transport = new QueueDatagramTransport(options.queueCapacity(), Objects.requireNonNull(sender, "sender"),
                options.sendLimit(), options.receiveLimit());
    }

    /** Submits the handshake to the executor. Datagrams received before this are kept (queue permitting). */
    public void start() {
        start(null);
    }

    /**
     * As {@link #start()}, for a server whose peer's ClientHello passed the cookie exchange
     * ({@link DtlsCookieExchange}): the handshake goes on from that ClientHello. Null: no cookie exchange, the
     * handshake reads the ClientHello itself.
     */
    public void start(DtlsCookieExchange.Verified verifiedHello) {
        if (verifiedHello != null && role != Role.SERVER) {
            throw new IllegalArgumentException("only a server verifies ClientHellos");
        }
        this.verifiedHello = verifiedHello;
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("already started: " + state);
            }
            state = State.HANDSHAKING;
        }
        try {
            executor.execute(this::handshake);
        } catch (RejectedExecutionException e) {
            finishFailed(new DtlsException(DtlsException.Reason.HANDSHAKE_FAILED, "executor rejected the handshake", e));
        }
    }

    /**
     * Hands over one received DTLS datagram; the endpoint takes ownership of the array. Never
     * blocks; drops (and counts) when the queue is full, the datagram is larger than the
     * receive limit, or the endpoint is closed.
     */
    public void onDatagram(byte[] data) {
        received.increment();
        if (transport.offer(data) && isPostHandshake()) {
            scheduleDrain();
        }
    }

    /** Supplies or replaces the fingerprint from the remote SDP; see the class comment. */
    public void setRemoteFingerprint(DtlsFingerprint fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        SrtpKeys connected = null;
        boolean mismatch = false;
        synchronized (lock) {
            remoteFingerprint = fingerprint;
            if (state != State.AWAITING_FINGERPRINT) {
                return;
            }
            if (fingerprint.matches(peerCertificateDer)) {
                state = State.CONNECTED;
                connected = keys;
            } else {
                state = State.FAILED;
                mismatch = true;
            }
        }
        if (connected != null) {
            SrtpKeys k = connected;
            dispatch(() -> listener.onConnected(k));
        } else if (mismatch) {
            shutdownTransport(true);
            DtlsException e = new DtlsException(DtlsException.Reason.FINGERPRINT_MISMATCH,
                    "peer certificate does not match " + fingerprint, null);
            dispatch(() -> listener.onFailed(e));
        }
    }

    public Role role() {
        return role;
    }

    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** The negotiated profile once the handshake is done, else {@code null}. */
    public SrtpProfile srtpProfile() {
        synchronized (lock) {
            return keys == null ? null : keys.profile();
        }
    }

    /** Datagrams handed to {@link #onDatagram}. */
    public long receivedDatagrams() {
        return received.sum();
    }

    /** Datagrams dropped because the queue was full, they were too large, or we were closed. */
    public long droppedDatagrams() {
        return transport.dropped.sum();
    }

    /** DTLS application-data records received after the handshake (ignored: no SCTP). */
    public long applicationDataRecords() {
        return applicationData.sum();
    }

    /**
     * Sends close_notify if connected and stops everything: a handshake in progress is woken
     * and abandoned, nothing more is sent, queued datagrams are discarded. Idempotent; returns
     * without waiting for the executor.
     */
    @Override
    public void close() {
        State previous;
        DTLSTransport t;
        synchronized (lock) {
            previous = state;
            if (previous == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            t = dtls;
        }
        shutdownTransport(t != null && (previous == State.CONNECTED || previous == State.AWAITING_FINGERPRINT));
    }

    // --- handshake ------------------------------------------------------------------------

    private void handshake() {
        DTLSTransport t;
        try {
            if (role == Role.SERVER) {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                DtlsCookieExchange.Verified hello = verifiedHello;
                if (hello != null) { // the caller did the cookie exchange (WebRtcTransport, on the media loop)
                    t = protocol.accept(new DtlsPeers.Server(certificate, options, hooks), transport, hello.request);
                } else {
                    // no cookie round trip here: a caller that wants one does it before start (DtlsCookieExchange)
                    protocol.setVerifyRequests(false);
                    t = protocol.accept(new DtlsPeers.Server(certificate, options, hooks), transport);
                }
            } else {
                t = new DTLSClientProtocol().connect(new DtlsPeers.Client(certificate, options, hooks), transport);
            }
        } catch (Exception e) {
            finishFailed(classify(e));
            return;
        }

        SrtpKeys connected = null;
        DtlsException failure = null;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return; // closed while the last flight was in progress; nothing more to say
            }
            dtls = t;
            keys = SrtpKeys.fromKeyingMaterial(profile, keyingMaterial, role == Role.SERVER);
            keyingMaterial = null;
            applicationBuffer = new byte[options.receiveLimit()];
            transport.nonBlocking();
            if (remoteFingerprint == null) {
                state = State.AWAITING_FINGERPRINT;
            } else if (remoteFingerprint.matches(peerCertificateDer)) {
                state = State.CONNECTED;
                connected = keys;
            } else {
                // Only reachable if the fingerprint was set after the certificate arrived.
                state = State.FAILED;
                failure = new DtlsException(DtlsException.Reason.FINGERPRINT_MISMATCH,
                        "peer certificate does not match " + remoteFingerprint, null);
            }
        }
        if (failure != null) {
            shutdownTransport(true);
            listener.onFailed(failure);
            return;
        }
        if (connected != null) {
            listener.onConnected(connected);
        }
        scheduleDrain(); // whatever arrived while we were finishing
    }

    private DtlsException classify(Exception e) {
        synchronized (lock) {
            if (failureReason != null) {
                return new DtlsException(failureReason, failureMessage, e);
            }
        }
        if (e instanceof QueueDatagramTransport.ClosedException) {
            return new DtlsException(DtlsException.Reason.CLOSED, "closed during the handshake", e);
        }
        if (e instanceof TlsTimeoutException) {
            return new DtlsException(DtlsException.Reason.TIMEOUT,
                    "no handshake within " + options.handshakeTimeoutMillis() + " ms", e);
        }
        if (e instanceof TlsFatalAlertReceived alert) {
            return new DtlsException(DtlsException.Reason.HANDSHAKE_FAILED,
                    "peer sent fatal alert " + AlertDescription.getText(alert.getAlertDescription()), e);
        }
        if (e instanceof TlsFatalAlert alert) {
            return new DtlsException(DtlsException.Reason.HANDSHAKE_FAILED,
                    "handshake aborted with " + AlertDescription.getText(alert.getAlertDescription()), e);
        }
        return new DtlsException(DtlsException.Reason.HANDSHAKE_FAILED, String.valueOf(e.getMessage()), e);
    }

    private void finishFailed(DtlsException e) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return; // a local close() wants no callbacks
            }
            state = State.FAILED;
        }
        transport.shutdown();
        listener.onFailed(e);
    }

    // --- after the handshake ---------------------------------------------------------------

    private boolean isPostHandshake() {
        synchronized (lock) {
            return state == State.CONNECTED || state == State.AWAITING_FINGERPRINT;
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
            }
        }
    }

    /** Feeds every queued datagram to BouncyCastle without waiting for more. */
    private void drain() {
        boolean peerGone = false;
        try {
            synchronized (ioLock) {
                DTLSTransport t;
                synchronized (lock) {
                    t = dtls;
                }
                while (t != null && isPostHandshake() && !closeNotifyReceived) {
                    try {
                        if (t.receive(applicationBuffer, 0, applicationBuffer.length, 1) >= 0) {
                            applicationData.increment();
                        }
                    } catch (java.io.InterruptedIOException empty) {
                        break; // QueueDatagramTransport.NO_DATA: all caught up
                    }
                }
            }
            peerGone = closeNotifyReceived;
        } catch (IOException | RuntimeException e) {
            peerGone = true; // fatal alert from the peer or a broken record layer
        } finally {
            drainScheduled.set(false);
        }
        if (peerGone) {
            peerClosed();
        } else if (!transport.isEmpty() && isPostHandshake()) {
            scheduleDrain(); // a datagram arrived after our last poll
        }
    }

    private void peerClosed() {
        State previous;
        synchronized (lock) {
            previous = state;
            if (previous != State.CONNECTED && previous != State.AWAITING_FINGERPRINT) {
                return;
            }
            state = previous == State.CONNECTED ? State.CLOSED : State.FAILED;
        }
        transport.shutdown();
        if (previous == State.CONNECTED) {
            listener.onClosed();
        } else {
            listener.onFailed(new DtlsException(DtlsException.Reason.CLOSED,
                    "peer closed before its fingerprint was known", null));
        }
    }

    /** Optionally sends close_notify, then stops the datagram path for good. */
    private void shutdownTransport(boolean sendCloseNotify) {
        if (sendCloseNotify) {
            synchronized (ioLock) {
                DTLSTransport t;
                synchronized (lock) {
                    t = dtls;
                }
                try {
                    t.close();
                } catch (IOException | RuntimeException ignored) {
                    // best effort: the peer will time out instead
                }
            }
        }
        transport.shutdown();
    }

    private void dispatch(Runnable callback) {
        try {
            executor.execute(callback);
        } catch (RejectedExecutionException e) {
            callback.run();
        }
    }

    /** What the BouncyCastle peers report back. */
    private final class Hooks implements DtlsPeers.Hooks {
        @Override
        public void peerCertificate(Certificate chain) throws IOException {
            DtlsFingerprint expected;
            synchronized (lock) {
                if (chain == null || chain.isEmpty()) {
                    failureReason = DtlsException.Reason.FINGERPRINT_MISMATCH;
                    failureMessage = "peer sent no certificate";
                    throw new TlsFatalAlert(AlertDescription.handshake_failure);
                }
                peerCertificateDer = chain.getCertificateAt(0).getEncoded();
                expected = remoteFingerprint;
                if (expected != null && !expected.matches(peerCertificateDer)) {
                    failureReason = DtlsException.Reason.FINGERPRINT_MISMATCH;
                    failureMessage = "peer certificate " + DtlsFingerprint.of(expected.algorithm(), peerCertificateDer)
                            + " does not match " + expected;
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
                }
            }
        }

        @Override
        public void failWith(DtlsException.Reason reason, String message) {
            synchronized (lock) {
                failureReason = reason;
                failureMessage = message;
            }
        }

        @Override
        public void handshakeComplete(SrtpProfile negotiated, byte[] material) {
            synchronized (lock) {
                profile = negotiated;
                keyingMaterial = material;
            }
        }

        @Override
        public void closeNotifyReceived() {
            closeNotifyReceived = true;
        }
    }
}
