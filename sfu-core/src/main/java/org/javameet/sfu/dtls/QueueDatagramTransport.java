package org.javameet.sfu.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Adapts push-style datagram delivery (the network thread calls {@link #offer}) to the
 * pull-style {@link DatagramTransport} BouncyCastle's DTLS reads from.
 *
 * <p>During the handshake {@link #receive} waits as long as BouncyCastle asks. After it,
 * the transport is switched to {@link #nonBlocking} mode: an empty queue then throws
 * {@link #NO_DATA}, an {@link InterruptedIOException}, which BouncyCastle passes up untouched
 * without failing the connection. That lets the endpoint drain exactly what has arrived
 * without parking a thread.
 */
final class QueueDatagramTransport implements DatagramTransport {
    /** Thrown, pre-allocated, when a non-blocking receive finds nothing. */
    static final InterruptedIOException NO_DATA = new InterruptedIOException("no datagram queued") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    /** Wakes a handshake blocked in {@link #receive} when the endpoint is closed. */
    private static final byte[] POISON = new byte[0];

    private final ArrayBlockingQueue<byte[]> queue;
    private final DatagramSender sender;
    private final int sendLimit;
    private final int receiveLimit;
    final LongAdder dropped = new LongAdder();

    private volatile boolean nonBlocking;
    private volatile boolean closed;
    private volatile boolean sendsAllowed = true;

    QueueDatagramTransport(int capacity, DatagramSender sender, int sendLimit, int receiveLimit) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = sender;
        this.sendLimit = sendLimit;
        this.receiveLimit = receiveLimit;
    }

    /** Never blocks; a full queue or an oversized datagram is dropped and counted. */
    boolean offer(byte[] datagram) {
        if (closed || datagram.length > receiveLimit || !queue.offer(datagram)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    void nonBlocking() {
        nonBlocking = true;
    }

    /** Stops sending and receiving for good and wakes a blocked reader. */
    void shutdown() {
        sendsAllowed = false;
        closed = true;
        queue.clear();
        queue.offer(POISON);
    }

    @Override
    public int getReceiveLimit() {
        return receiveLimit;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (closed) {
            throw new ClosedException();
        }
        byte[] datagram;
        if (nonBlocking) {
            datagram = queue.poll();
            if (datagram == null) {
                throw NO_DATA;
            }
        } else {
            try {
                datagram = queue.poll(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedException();
            }
            if (datagram == null) {
                return -1; // BouncyCastle's timeout signal: it retransmits or gives up
            }
        }
        if (datagram == POISON || closed) {
            throw new ClosedException();
        }
        int n = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, n);
        return n;
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        if (!sendsAllowed) {
            return;
        }
        try {
            sender.send(buf, off, len);
        } catch (RuntimeException e) {
            throw new IOException("datagram sender failed", e);
        }
    }

    /** BouncyCastle calls this when it closes; the endpoint owns the lifecycle, so nothing to do. */
    @Override
    public void close() {
    }

    /** The endpoint was closed locally while BouncyCastle was reading. */
    static final class ClosedException extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("DTLS endpoint closed");
        }
    }
}
