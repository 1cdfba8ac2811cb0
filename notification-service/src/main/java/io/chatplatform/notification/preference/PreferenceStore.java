package io.chatplatform.notification.preference;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

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
