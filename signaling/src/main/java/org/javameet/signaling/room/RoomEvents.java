package org.javameet.signaling.room;

/** What rooms tell their registry (for metrics and clean-up). */
interface RoomEvents {
    void participantCountChanged(int delta);

    void roomClosed(Room room);
}
