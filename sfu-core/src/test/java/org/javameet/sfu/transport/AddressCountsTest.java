package org.javameet.sfu.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressCountsTest {
    @Test
    void theTotalCapComesFirstThenThePerAddressCapAndReleasesMakeRoom() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.2");
        InetAddress b = InetAddress.getByName("127.0.0.3");
        AddressCounts counts = new AddressCounts();
        assertEquals(AddressCounts.Refusal.NONE, counts.tryAdd(a, 3, 2));
        assertEquals(AddressCounts.Refusal.NONE, counts.tryAdd(a, 3, 2));
        assertEquals(AddressCounts.Refusal.PER_ADDRESS, counts.tryAdd(a, 3, 2));
        assertEquals(AddressCounts.Refusal.NONE, counts.tryAdd(b, 3, 2));
        assertEquals(AddressCounts.Refusal.TOTAL, counts.tryAdd(b, 3, 2), "full: the total is said before the address");
        assertEquals(3, counts.total());

        counts.remove(a);
        assertEquals(2, counts.total());
        assertEquals(AddressCounts.Refusal.NONE, counts.tryAdd(a, 3, 2), "a release makes room for that address");
        counts.remove(InetAddress.getByName("127.0.0.4")); // never counted: nothing changes
        assertEquals(3, counts.total());
    }
}
