package org.javameet.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NackTest {
    private static int[] ints(String s) {
        return s.isBlank() ? new int[0] : Arrays.stream(s.trim().split(" +")).mapToInt(Integer::parseInt).toArray();
    }

    /** Lost seqs in send order -> FCI items as hex (PID BLP), and the seqs expanded back. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "'100',                       '00640000',            '100'",
        "'100 101 103',               '00640005',            '100 101 103'",
        "'100 116',                   '00648000',            '100 116'",
        "'100 117',                   '00640000 00750000',   '100 117'",
        "'65534 65535 0 1 20',        'fffe0007 00140000',   '65534 65535 0 1 20'",
        "'65535 0 15',                'ffff8001',            '65535 0 15'",
        "'65535 16',                  'ffff0000 00100000',   '65535 16'",
        "'5 5 6',                     '00050001',            '5 6'",
        "'10 5',                      '000a0000 00050000',   '10 5'",
        "'',                          '',                    ''",
    })
    void packsAndExpands(String lost, String items, String expanded) {
        Nack nack = Nack.of(1, 2, ints(lost));
        ByteBuf buf = Unpooled.buffer();
        try {
            nack.marshalTo(buf);
            assertEquals(items.replace(" ", ""), ByteBufUtil.hexDump(buf, 12, buf.readableBytes() - 12));
            assertArrayEquals(ints(expanded), nack.lostSequenceNumbers());
        } finally {
            buf.release();
        }
    }

    @Test
    void randomLossPatternsSurviveTheWireAcrossWrapAround() throws Exception {
        Random rnd = new Random(7);
        for (int round = 0; round < 2000; round++) {
            int seq = rnd.nextInt(65536);
            int n = 1 + rnd.nextInt(60);
            int[] lost = new int[n];
            for (int i = 0; i < n; i++) {
                seq = (seq + 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40)) & 0xFFFF;
                lost[i] = seq;
            }
            Nack nack = Nack.of(1, 2, lost);
            ByteBuf buf = Unpooled.buffer();
            try {
                nack.marshalTo(buf);
                Nack back = Nack.parse(buf, 0, buf.readableBytes());
                assertEquals(nack, back);
                assertArrayEquals(lost, back.lostSequenceNumbers());
            } finally {
                buf.release();
            }
        }
    }
}
