package io.chatplatform.notification.subscription;

import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import io.chatplatform.notification.preference.SettingsChanges;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code push_subscriptions} collection; every write is keyed by the endpoint-derived id. */
@Component
public class PushSubscriptions {

    private final ReactiveMongoTemplate mongo;
    private final SettingsChanges changes;

    PushSubscriptions(ReactiveMongoTemplate mongo, SettingsChanges changes) {
        this.mongo = mongo;
        this.changes = changes;
    }

    /** A registration's outcome: the stored subscription and whether this call created it (for the caller). */
    public record Registered(PushSubscription subscription, boolean created) {
    }

    /**
     * Registers an endpoint for a user. The same endpoint again for the same user returns the stored one unchanged
     * (idempotent); an endpoint another user registered moves to this user, since a browser profile has one
     * endpoint and whoever subscribed last is signed in there.
     */
    public Mono<Registered> register(String userId, String endpoint, String p256dh, String auth, String device) {
        String id = PushSubscription.idOf(endpoint);
        return mongo.findById(id, PushSubscription.class)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(existing -> {
                    if (existing.filter(stored -> stored.userId().equals(userId)
                            && stored.p256dh().equals(p256dh)
                            && stored.auth().equals(auth)).isPresent()) {
                        return Mono.just(new Registered(existing.get(), false));
                    }
                    // An endpoint that moved from another user changed what both of them can be pushed to.
                    Mono<Void> previousOwner = existing.map(PushSubscription::userId)
                            .filter(owner -> !owner.equals(userId))
                            .map(changes::announce)
                            .orElse(Mono.empty());
                    return mongo.save(new PushSubscription(id, userId, endpoint, p256dh, auth, device,
                                    Instant.now().truncatedTo(ChronoUnit.MILLIS)))
                            .flatMap(saved -> changes.announce(userId)
                                    .then(previousOwner)
                                    .thenReturn(new Registered(saved, true)));
                });
    }

    /** A user's subscriptions, oldest first. */
    public Flux<PushSubscription> ofUser(String userId) {
        return mongo.find(query(where("userId").is(userId)).with(Sort.by("createdAt", "_id")),
                PushSubscription.class);
    }

    /**
     * Which of {@code userIds} have at least one subscription: one query for a whole batch of recipients, so that no
     * push is scheduled for a user no push could reach.
     */
    public Mono<Set<String>> withAny(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        return mongo.findDistinct(query(where("userId").in(userIds)), "userId", PushSubscription.class, String.class)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Removes one of the user's subscriptions; someone else's or an unknown id changes nothing. */
    public Mono<Boolean> remove(String userId, String id) {
        return mongo.remove(query(where("_id").is(id).and("userId").is(userId)), PushSubscription.class)
                .flatMap(result -> result.getDeletedCount() > 0
                        ? changes.announce(userId).thenReturn(true)
                        : Mono.just(false));
    }

    /** Removes one of the user's subscriptions by its endpoint. */
    public Mono<Boolean> removeEndpoint(String userId, String endpoint) {
        return remove(userId, PushSubscription.idOf(endpoint));
    }

    /** Removes a subscription the push service no longer knows (404 or 410). */
    public Mono<Boolean> expire(PushSubscription subscription) {
        return mongo.remove(query(where("_id").is(subscription.id())), PushSubscription.class)
                .flatMap(result -> result.getDeletedCount() > 0
                        ? changes.announce(subscription.userId()).thenReturn(true)
                        : Mono.just(false));
    }
}
