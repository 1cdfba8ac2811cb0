package io.chatplatform.notification.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatplatform.notification.preference.ConversationPreference;
import io.chatplatform.notification.preference.PreferenceProperties;
import io.chatplatform.notification.preference.PreferenceStore;
import io.chatplatform.notification.preference.Preferences;
import io.chatplatform.notification.preference.SettingsChanges;
import io.chatplatform.notification.subscription.PushSubscriptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a new message needs to know of each recipient: their settings, in general and for the message's
 * conversation, and whether they have a push subscription. Kept in memory from one message to the next: read from
 * MongoDB for every message these were three of the five MongoDB commands notification-service spent on a DM, the
 * most of any service, and they change only when the user changes them.
 *
 * <p>Every change is announced ({@link SettingsChanges}): the changed user is dropped at once on every instance, and
 * everything when an instance may have missed announcements. A read that was under way while anything changed is
 * used for its message but not kept, so a read from before a change is never kept after it. What is kept expires after
 * {@code chat.notification.preferences.cache-max-age} in any case, the longest a change an instance missed (while its
 * subscription to the announcements started again) goes unseen. A push is checked against the stored settings again
 * when due and a digest against the email switch, so a stale "on" rarely sends anything.
 */
@Component
class RecipientSettings implements SettingsChanges.Listener {

    /** Conversations' settings kept per user; past it the user's are dropped and read again as needed. */
    private static final int CONVERSATIONS_PER_USER = 1_000;

    private final PreferenceStore preferences;
    private final PushSubscriptions subscriptions;
    /** Null when nothing is kept ({@code cache-max-age} 0). */
    private final Cache<String, Known> known;
    /** Counts changes heard: a read that saw it move while under way is not kept. */
    private final AtomicLong changes = new AtomicLong();

    RecipientSettings(PreferenceStore preferences, PushSubscriptions subscriptions, SettingsChanges settingsChanges,
                      PreferenceProperties properties) {
        this.preferences = preferences;
        this.subscriptions = subscriptions;
        this.known = properties.cacheMaxAge().isZero() ? null : Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheMaxAge())
                .maximumSize(properties.cacheSize())
                .build();
        settingsChanges.listen(this);
    }

    /** One recipient, as a message to them is weighed. */
    record Recipient(PreferenceStore.Settings settings, boolean hasPushSubscription) {
    }

    /** A user's settings and push subscription as last read, and their settings for the conversations asked about. */
    private record Known(Preferences general, boolean hasPushSubscription,
                         Map<String, Optional<ConversationPreference>> conversations) {
    }

    /**
     * Each of {@code userIds} (users without stored settings get the defaults): from memory where known, the rest in at
     * most three queries whatever their number.
     */
    Mono<Map<String, Recipient>> of(Collection<String> userIds, String conversationId) {
        Map<String, Recipient> found = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        Map<String, Known> conversationUnknown = new HashMap<>();
        for (String userId : userIds) {
            Known user = known == null ? null : known.getIfPresent(userId);
            Optional<ConversationPreference> conversation = user == null ? null
                    : user.conversations().get(conversationId);
            if (user == null) {
                unknown.add(userId);
            } else if (conversation == null) {
                conversationUnknown.put(userId, user);
            } else {
                found.put(userId, new Recipient(new PreferenceStore.Settings(user.general(), conversation),
                        user.hasPushSubscription()));
            }
        }
        if (unknown.isEmpty() && conversationUnknown.isEmpty()) {
            return Mono.just(found);
        }
        List<String> conversationAsked = new ArrayList<>(unknown);
        conversationAsked.addAll(conversationUnknown.keySet());
        long before = changes.get();
        return Mono.zip(preferences.generalOfAll(unknown), subscriptions.withAny(unknown),
                        preferences.conversationOfAll(conversationAsked, conversationId))
                .map(read -> {
                    boolean keep = known != null && changes.get() == before;
                    for (String userId : unknown) {
                        Preferences general = read.getT1().getOrDefault(userId, Preferences.defaults(userId));
                        Optional<ConversationPreference> conversation = Optional.ofNullable(
                                read.getT3().get(userId));
                        boolean push = read.getT2().contains(userId);
                        found.put(userId, new Recipient(new PreferenceStore.Settings(general, conversation), push));
                        if (keep) {
                            Map<String, Optional<ConversationPreference>> conversations = new ConcurrentHashMap<>();
                            conversations.put(conversationId, conversation);
                            known.put(userId, new Known(general, push, conversations));
                        }
                    }
                    conversationUnknown.forEach((userId, user) -> {
                        Optional<ConversationPreference> conversation = Optional.ofNullable(
                                read.getT3().get(userId));
                        found.put(userId, new Recipient(new PreferenceStore.Settings(user.general(), conversation),
                                user.hasPushSubscription()));
                        if (keep) {
                            if (user.conversations().size() >= CONVERSATIONS_PER_USER) {
                                user.conversations().clear();
                            }
                            user.conversations().put(conversationId, conversation);
                        }
                    });
                    if (keep && changes.get() != before) {
                        // A change came between the check and the puts: what was put may be older than it.
                        known.invalidateAll(unknown);
                        known.invalidateAll(conversationUnknown.keySet());
                    }
                    return found;
                });
    }

    @Override
    public void changed(String userId) {
        changes.incrementAndGet();
        if (known != null) {
            known.invalidate(userId);
        }
    }

    @Override
    public void forgetAll() {
        changes.incrementAndGet();
        if (known != null) {
            known.invalidateAll();
        }
    }
}
