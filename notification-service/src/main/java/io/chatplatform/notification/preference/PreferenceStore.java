package io.chatplatform.notification.preference;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code preferences} and {@code conversation_preferences} collections, read and written by id. */
@Component
public class PreferenceStore {

    private final ReactiveMongoTemplate mongo;

    PreferenceStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The user's settings, or the defaults. */
    public Mono<Preferences> of(String userId) {
        return mongo.findById(userId, Preferences.class)
                .defaultIfEmpty(Preferences.defaults(userId));
    }

    public Mono<Preferences> save(Preferences preferences) {
        return mongo.save(preferences);
    }

    /** The user's settings for one conversation, if any. */
    public Mono<Optional<ConversationPreference>> of(String userId, String conversationId) {
        return mongo.findById(ConversationPreference.idOf(userId, conversationId), ConversationPreference.class)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /**
     * Each of {@code userIds}' settings and their settings for {@code conversationId}, in two queries by id whatever
     * the number of users: a room message is weighed for every member, and one lookup per member and setting made
     * notification-service the platform's busiest MongoDB client. Users without stored settings get the defaults.
     */
    public Mono<Map<String, Settings>> ofAll(Collection<String> userIds, String conversationId) {
        if (userIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        List<String> conversationIds = userIds.stream()
                .map(userId -> ConversationPreference.idOf(userId, conversationId))
                .toList();
        Mono<Map<String, Preferences>> general = mongo.find(query(where("_id").in(userIds)), Preferences.class)
                .collectMap(Preferences::userId);
        Mono<Map<String, ConversationPreference>> specific = mongo
                .find(query(where("_id").in(conversationIds)), ConversationPreference.class)
                .collectMap(ConversationPreference::userId);
        return Mono.zip(general, specific).map(found -> {
            Map<String, Settings> settings = new HashMap<>();
            for (String userId : userIds) {
                settings.put(userId, new Settings(
                        found.getT1().getOrDefault(userId, Preferences.defaults(userId)),
                        Optional.ofNullable(found.getT2().get(userId))));
            }
            return settings;
        });
    }

    /** One user's settings, in general and for one conversation (empty: none of its own). */
    public record Settings(Preferences general, Optional<ConversationPreference> conversation) {
    }

    public Flux<ConversationPreference> conversationsOf(String userId) {
        return mongo.find(query(where("userId").is(userId)).with(Sort.by("conversationId")),
                ConversationPreference.class);
    }

    public Mono<ConversationPreference> save(ConversationPreference preference) {
        return mongo.save(preference);
    }

    public Mono<Void> remove(String userId, String conversationId) {
        return mongo.remove(query(where("_id").is(ConversationPreference.idOf(userId, conversationId))),
                        ConversationPreference.class)
                .then();
    }
}
