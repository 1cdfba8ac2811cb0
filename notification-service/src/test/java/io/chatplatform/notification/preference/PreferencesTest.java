package io.chatplatform.notification.preference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PreferencesTest {

    private static Preferences quiet(String zone, String start, String end) {
        return new Preferences("u", true, true, 10, zone, start, end, false);
    }

    @Test
    void quietHoursSpanningMidnightAreQuietOnBothSidesOfIt() {
        Preferences night = quiet("UTC", "22:00", "07:00");

        assertThat(night.isQuiet(Instant.parse("2026-01-10T23:30:00Z"))).isTrue();
        assertThat(night.isQuiet(Instant.parse("2026-01-10T06:59:00Z"))).isTrue();
        assertThat(night.isQuiet(Instant.parse("2026-01-10T07:00:00Z"))).isFalse();
        assertThat(night.isQuiet(Instant.parse("2026-01-10T21:59:00Z"))).isFalse();
    }

    @Test
    void quietHoursAreInTheUsersTimeZone() {
        Preferences berlinNight = quiet("Europe/Berlin", "22:00", "07:00");

        // 21:30 UTC is 22:30 in Berlin in winter (UTC+1), 23:30 in summer (UTC+2).
        assertThat(berlinNight.isQuiet(Instant.parse("2026-01-10T21:30:00Z"))).isTrue();
        assertThat(berlinNight.isQuiet(Instant.parse("2026-07-10T04:30:00Z"))).isTrue();
        assertThat(berlinNight.isQuiet(Instant.parse("2026-07-10T05:30:00Z"))).isFalse();
    }

    @Test
    void aDaytimeWindowAndNoWindow() {
        Preferences lunch = quiet("UTC", "12:00", "13:00");

        assertThat(lunch.isQuiet(Instant.parse("2026-01-10T12:30:00Z"))).isTrue();
        assertThat(lunch.isQuiet(Instant.parse("2026-01-10T13:30:00Z"))).isFalse();
        assertThat(Preferences.defaults("u").isQuiet(Instant.parse("2026-01-10T03:00:00Z"))).isFalse();
    }
}
