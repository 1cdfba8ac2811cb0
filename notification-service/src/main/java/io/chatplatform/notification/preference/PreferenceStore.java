package io.chatplatform.notification.preference;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.support.cache.SetSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code preferences} and {@code conversation_preferences} collections, read and written by id. */
@Component
public class PreferenceStore {

    /**
     * Past this many users who turned {@code roomMessages} on there is no set: a room message is weighed for every
     * member of its room again (chat-service answers a question about at most this many users at once).
     */
    public static final int MAX_ROOM_MESSAGE_USERS = 500;

    private final ReactiveMongoTemplate mongo;
    private final SettingsChanges changes;
    /** Who turned {@code roomMessages} on: the only users, besides those mentioned, a room message may notify. */
    private final SetSnapshot roomMessageUsers;

    PreferenceStore(ReactiveMongoTemplate mongo, PreferenceProperties properties, SettingsChanges changes) {
        this.mongo = mongo;
        this.changes = changes;
        this.roomMessageUsers = new SetSnapshot("users notified of every room message", this::roomMessageUserIds,
                MAX_ROOM_MESSAGE_USERS, properties.roomMessagesMaxAge(), System::nanoTime);
    }

    /**
     * The users who turned {@code roomMessages} on, from a set read whole at most
     * {@code chat.notification.preferences.room-messages-max-age} ago (changes stored by this instance at once); null
     * when there is no such set (not read yet, reads failing, more than {@value #MAX_ROOM_MESSAGE_USERS} users, or a
     * zero age). A user in the set may have turned it off since: the settings read for the message decide.
     */
    public Set<String> roomMessageUsers() {
        return roomMessageUsers.ids();
    }

    private Mono<Set<String>> roomMessageUserIds(int limit) {
        Query everyMessage = query(where("roomMessages").is(true)).limit(limit);
        everyMessage.fields().include("_id");
        return mongo.find(everyMessage, Document.class, Preferences.COLLECTION)
                .map(preferences -> preferences.getString("_id"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The user's settings, or the defaults. */
    public Mono<Preferences> of(String userId) {
        return mongo.findById(userId, Preferences.class)
                .defaultIfEmpty(Preferences.defaults(userId));
    }

    public Mono<Preferences> save(Preferences preferences) {
        return mongo.save(preferences)
                .doOnNext(saved -> roomMessageUsers.record(saved.userId(), saved.roomMessages()))
                .flatMap(saved -> changes.announce(saved.userId()).thenReturn(saved));
    }

    /** The user's settings for one conversation, if any. */
    public Mono<Optional<ConversationPreference>> of(String userId, String conversationId) {
        return mongo.findById(ConversationPreference.idOf(userId, conversationId), ConversationPreference.class)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty());
    }

    /** The stored settings of those of {@code userIds} who saved any, by user id, in one query. */
    public Mono<Map<String, Preferences>> generalOfAll(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return mongo.find(query(where("_id").in(userIds)), Preferences.class)
                .collectMap(Preferences::userId);
    }

    /** The settings for {@code conversationId} of those of {@code userIds} who saved any, by user id, in one query. */
    public Mono<Map<String, ConversationPreference>> conversationOfAll(Collection<String> userIds,
                                                                      String conversationId) {
        if (userIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        List<String> conversationIds = userIds.stream()
                .map(userId -> ConversationPreference.idOf(userId, conversationId))
                .toList();
        return mongo.find(query(where("_id").in(conversationIds)), ConversationPreference.class)
                .collectMap(ConversationPreference::userId);
    }

    /** One user's settings, in general and for one conversation (empty: none of its own). */
    public record Settings(Preferences general, Optional<ConversationPreference> conversation) {
    }

    public Flux<ConversationPreference> conversationsOf(String userId) {
        return mongo.find(query(where("userId").is(userId)).with(Sort.by("conversationId")),
                ConversationPreference.class);
    }

    public Mono<ConversationPreference> save(ConversationPreference preference) {
        return mongo.save(preference)
                .flatMap(saved -> changes.announce(saved.userId()).thenReturn(saved));
    }

    public Mono<Void> remove(String userId, String conversationId) {
        return mongo.remove(query(where("_id").is(ConversationPreference.idOf(userId, conversationId))),
                        ConversationPreference.class)
                .then(changes.announce(userId));
    }
}
