package io.chatplatform.notification.routing;

import io.chatplatform.notification.preference.ConversationPreference;
import io.chatplatform.notification.preference.Preferences;
import java.time.Instant;
import java.util.Optional;

/**
 * Who wants to hear of a message, and how: the rules that depend on the recipient's settings alone. DMs and mentions
 * are notified by default, other room messages only to users who turned {@code roomMessages} on; a muted
 * conversation notifies nothing, a mentions-only one only mentions; push and email each follow their switch; quiet
 * hours hold pushes back (emails are delayed digests anyway and are sent).
 */
final class NotificationRules {

    private NotificationRules() {
    }

    /** Which channels a message goes to. */
    record Decision(boolean push, boolean email) {

        static final Decision NONE = new Decision(false, false);

        boolean any() {
            return push || email;
        }
    }

    /**
     * @param dm        the message is in a direct conversation
     * @param mentioned the recipient is mentioned in it
     * @param now       when the decision is made (quiet hours are checked for this instant)
     */
    static Decision decide(boolean dm, boolean mentioned, Preferences preferences,
                           Optional<ConversationPreference> conversation, Instant now) {
        if (conversation.isPresent()) {
            ConversationPreference settings = conversation.get();
            if (settings.isMuted(now) || settings.mentionsOnly() && !mentioned) {
                return Decision.NONE;
            }
        }
        if (!dm && !mentioned && !preferences.roomMessages()) {
            return Decision.NONE;
        }
        return new Decision(preferences.push() && !preferences.isQuiet(now), preferences.email());
    }
}
