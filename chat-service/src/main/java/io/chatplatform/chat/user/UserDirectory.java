package io.chatplatform.chat.user;

import io.chatplatform.chat.RecentAnswers;
import io.chatplatform.support.cache.SetSnapshot;
import io.chatplatform.support.problem.ApiException;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What the send path asks about users: may this user send ({@link #requireActive}), and whom does this text mention
 * ({@link #resolveMentions}). Answers come from chat-service's own {@code users} collection, never from a call to
 * auth-service; see the package description for how it is fed and how fresh it is.
 */
@Component
public class UserDirectory {

    /** Problem type of a refusal because the caller's account is blocked (the same type auth-service uses). */
    public static final String ACCOUNT_BLOCKED_TYPE = "https://chat.example/problems/account-blocked";

    /** Past this many blocked accounts, statuses are read per user again (see {@link SetSnapshot}). */
    private static final int MAX_BLOCKED = 100_000;

    private final UserStore store;
    private final RecentAnswers<Boolean> statuses;
    /** The blocked users' ids: a sender's status is a lookup here, not a read. */
    private final SetSnapshot blocked;

    UserDirectory(UserStore store, UserDirectoryProperties properties) {
        this.store = store;
        this.statuses = new RecentAnswers<>(this::loadBlocked, properties.statusCacheTtl(), System::nanoTime);
        this.blocked = new SetSnapshot("blocked users", store::blockedIds, MAX_BLOCKED, properties.statusCacheTtl(),
                System::nanoTime);
    }

    /**
     * Completes empty when the user may act, errors with a 403 problem when their account is blocked. A user the
     * directory has no record of counts as active: their registration may simply not have arrived yet, and only an
     * explicit block refuses.
     *
     * <p>Cheap enough for every send: answered from the set of blocked users ({@link SetSnapshot}), read whole at
     * most {@code chat.chat-service.users.status-cache-ttl} ago, so a block reaches this instance at most that long
     * after it was stored. Without a fresh set the user is read (and the answer kept as long). MongoDB errors
     * propagate (fail closed): the send they guard writes to the same database and would fail anyway.
     */
    public Mono<Void> requireActive(String userId) {
        Boolean fromSet = blocked.contains(userId);
        if (fromSet != null) {
            return fromSet ? Mono.error(accountBlocked()) : Mono.empty();
        }
        return statuses.get(userId)
                .flatMap(isBlocked -> isBlocked ? Mono.error(accountBlocked()) : Mono.empty());
    }

    /**
     * The ids of the users {@code @mentioned} in {@code text}: usernames are matched case-insensitively, unknown
     * names are ignored, each user appears once, in order of first mention, and at most
     * {@value Mentions#MAX_MENTIONS} names are looked up. Blocked users still resolve: the mention is part of the
     * text either way.
     */
    public Mono<List<String>> resolveMentions(String text) {
        List<Mentions.Mention> mentions = Mentions.find(text);
        if (mentions.isEmpty()) {
            return Mono.just(List.of());
        }
        return store.findByUsernames(Mentions.candidates(mentions))
                .collectMap(DirectoryUser::usernameLower, DirectoryUser::id, HashMap::new)
                .map(idsByName -> inMentionOrder(mentions, idsByName));
    }

    /** Takes a status this instance just stored, so its own checks see it without waiting for the cache. */
    void remember(DirectoryUser user) {
        statuses.put(user.id(), user.isBlocked());
        blocked.record(user.id(), user.isBlocked());
    }

    private Mono<Boolean> loadBlocked(String userId) {
        // An unknown user is not blocked, and that answer is remembered like any other.
        return store.find(userId)
                .map(DirectoryUser::isBlocked)
                .defaultIfEmpty(false);
    }

    private static List<String> inMentionOrder(List<Mentions.Mention> mentions, Map<String, String> idsByName) {
        Set<String> ids = new LinkedHashSet<>();
        for (Mentions.Mention mention : mentions) {
            String id = mention.name() != null ? idsByName.get(mention.name()) : null;
            if (id == null && mention.withoutTrailingPunctuation() != null) {
                id = idsByName.get(mention.withoutTrailingPunctuation());
            }
            if (id != null) {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    private static ApiException accountBlocked() {
        return new ApiException(HttpStatus.FORBIDDEN, URI.create(ACCOUNT_BLOCKED_TYPE), "Account blocked",
                "Your account is blocked.");
    }
}
