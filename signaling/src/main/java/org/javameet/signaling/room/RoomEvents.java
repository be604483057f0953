package org.javameet.signaling.room;

/** What rooms tell their registry (for metrics and clean-up). */
interface RoomEvents {
    void participantCountChanged(int delta);

    void roomClosed(Room room);

    /** A participant was removed, for {@code javameet_participants_removed_total{reason}}. */
    void participantRemoved(String reason);
}
