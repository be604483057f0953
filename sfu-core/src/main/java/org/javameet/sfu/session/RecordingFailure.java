package org.javameet.sfu.session;

/**
 * Why a recording stopped by itself. {@code code}: {@code disk-low} (free space fell below the minimum),
 * {@code disk-full} (a write found the disk full; the file ends at its last whole frame) or {@code failed}
 * (another write error); {@code message}: what happened, for people. The files written so far are complete.
 */
public record RecordingFailure(String code, String message) {
}
