package org.javameet.signaling.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebSocketConnectionTest {

    /** Holds every write unfinished, as a socket to a client that does not read. */
    private static final class NeverWritten extends ChannelOutboundHandlerAdapter {
        final List<Object> held = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            held.add(msg);
        }

        void release() {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }
    }

    @Test
    void aSlowReaderLosesChatNotItsConnection() {
        NeverWritten socket = new NeverWritten();
        EmbeddedChannel channel = new EmbeddedChannel(socket);
        HttpMetrics metrics = new HttpMetrics(new SimpleMeterRegistry());
        HttpServerOptions opts = HttpServerOptions.defaults().withLimits(64 * 1024, 64 * 1024, 40_000);
        WebSocketConnection c = new WebSocketConnection(channel, "s1", new InetSocketAddress("127.0.0.1", 1),
                Map.of(), opts, metrics);
        String chat = "x".repeat(1000);
        for (int i = 0; i < 100; i++) { // 100 kB of chat into a 40 kB limit
            c.sendDroppable(chat);
        }
        assertTrue(c.isOpen(), "chat never closes a slow reader's connection");
        assertTrue(c.pendingBytes() <= 40_000 / 4 + 1000, "queued " + c.pendingBytes());
        assertTrue(metrics.refusedCount(HttpMetrics.REFUSED_SLOW_READER) >= 85);
        c.send("{\"type\":\"subscribeOffer\"}"); // what it must get still goes
        assertTrue(c.isOpen());
        assertEquals(12, socket.held.size()); // 11 chats and the offer

        for (int i = 0; i < 40; i++) { // essential messages beyond the hard limit still close it (as before)
            c.send(chat);
        }
        assertFalse(c.isOpen());
        socket.release();
        channel.finishAndReleaseAll();
    }
}
