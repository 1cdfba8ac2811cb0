package io.chatplatform.notification.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.preference.ConversationPreference;
import io.chatplatform.notification.preference.Preferences;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationRulesTest {

    private static final Instant NOON = Instant.parse("2026-01-10T12:00:00Z");
    private static final Preferences DEFAULTS = Preferences.defaults("bob");
    private static final Optional<ConversationPreference> NONE = Optional.empty();

    private static NotificationRules.Decision decide(boolean dm, boolean mentioned, Preferences preferences,
                                                     Optional<ConversationPreference> conversation) {
        return NotificationRules.decide(dm, mentioned, preferences, conversation, NOON);
    }

    @Test
    void directMessagesAndMentionsNotifyByDefaultOtherRoomMessagesDoNot() {
        assertThat(decide(true, false, DEFAULTS, NONE)).isEqualTo(new NotificationRules.Decision(true, true));
        assertThat(decide(false, true, DEFAULTS, NONE)).isEqualTo(new NotificationRules.Decision(true, true));
        assertThat(decide(false, false, DEFAULTS, NONE).any()).isFalse();
    }

    @Test
    void roomMessagesNotifyWhenTheUserAskedForThem() {
        Preferences everything = new Preferences("bob", true, true, 10, "UTC", null, null, true);

        assertThat(decide(false, false, everything, NONE)).isEqualTo(new NotificationRules.Decision(true, true));
    }

    @Test
    void eachChannelFollowsItsSwitch() {
        Preferences emailOnly = new Preferences("bob", false, true, 10, "UTC", null, null, false);
        Preferences pushOnly = new Preferences("bob", true, false, 10, "UTC", null, null, false);

        assertThat(decide(true, false, emailOnly, NONE)).isEqualTo(new NotificationRules.Decision(false, true));
        assertThat(decide(true, false, pushOnly, NONE)).isEqualTo(new NotificationRules.Decision(true, false));
    }

    @Test
    void aMuteSilencesEverythingUntilItEnds() {
        Optional<ConversationPreference> muted = Optional.of(new ConversationPreference("bob:c", "bob", "c",
                NOON.plus(Duration.ofMinutes(1)), false));
        Optional<ConversationPreference> expired = Optional.of(new ConversationPreference("bob:c", "bob", "c",
                NOON.minus(Duration.ofMinutes(1)), false));

        assertThat(decide(true, true, DEFAULTS, muted).any()).isFalse();
        assertThat(decide(true, false, DEFAULTS, expired).any()).isTrue();
    }

    @Test
    void mentionsOnlyLetsMentionsThrough() {
        Optional<ConversationPreference> mentionsOnly = Optional.of(new ConversationPreference("bob:c", "bob", "c",
                null, true));

        assertThat(decide(true, false, DEFAULTS, mentionsOnly).any()).isFalse();
        assertThat(decide(true, true, DEFAULTS, mentionsOnly).any()).isTrue();
    }

    @Test
    void quietHoursHoldPushesButNotTheDigest() {
        Preferences quietAtNoon = new Preferences("bob", true, true, 10, "UTC", "11:00", "13:00", false);

        assertThat(decide(true, false, quietAtNoon, NONE)).isEqualTo(new NotificationRules.Decision(false, true));
    }
}
