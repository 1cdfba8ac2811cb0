package io.chatplatform.notification.preference;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A user's notification settings; a user who never saved any has {@link #defaults}.
 *
 * @param userId            the user
 * @param push              WebPush on or off
 * @param email             digest emails on or off
 * @param emailDelayMinutes how long unread messages wait before one digest email lists them
 * @param timeZone          IANA zone the quiet hours are in
 * @param quietStart        start of the quiet hours, local {@code HH:mm}; null when there are none
 * @param quietEnd          end of the quiet hours, local {@code HH:mm}; null when there are none
 * @param roomMessages      notify about every room message, not only mentions
 */
@Document(Preferences.COLLECTION)
public record Preferences(
        @Id String userId,
        boolean push,
        boolean email,
        int emailDelayMinutes,
        String timeZone,
        String quietStart,
        String quietEnd,
        // Indexed: each instance reads who has it on (PreferenceStore.roomMessageUsers) about every half second.
        @Indexed boolean roomMessages) {

    static final String COLLECTION = "preferences";
    public static final int DEFAULT_EMAIL_DELAY_MINUTES = 10;

    public static Preferences defaults(String userId) {
        return new Preferences(userId, true, true, DEFAULT_EMAIL_DELAY_MINUTES, "UTC", null, null, false);
    }

    /** The same settings with email notifications off. */
    public Preferences withoutEmail() {
        return new Preferences(userId, push, false, emailDelayMinutes, timeZone, quietStart, quietEnd, roomMessages);
    }

    /** Whether {@code at} falls in the quiet hours, in the user's time zone. A window may span midnight. */
    public boolean isQuiet(Instant at) {
        if (quietStart == null || quietEnd == null || quietStart.equals(quietEnd)) {
            return false;
        }
        LocalTime start = LocalTime.parse(quietStart);
        LocalTime end = LocalTime.parse(quietEnd);
        LocalTime local = at.atZone(zone()).toLocalTime();
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    private ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
