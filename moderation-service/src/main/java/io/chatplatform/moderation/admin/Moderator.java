package io.chatplatform.moderation.admin;

import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.support.jwt.VerifiedToken;
import java.util.List;

/** An authenticated moderator or admin: the actor of every admin call, taken from the token, never the request. */
public record Moderator(String userId) {

    /** The {@code roles} claim values that make a moderator (auth-service's Roles). */
    public static final List<String> ROLES = List.of("moderator", "admin");

    /** Whether the token carries one of {@link #ROLES}. */
    public static boolean allowed(VerifiedToken token) {
        return ROLES.stream().anyMatch(token::hasRole);
    }

    public Actor actor() {
        return Actor.newBuilder()
                .setKind(ActorKind.ACTOR_KIND_MODERATOR)
                .setUserId(userId)
                .setService(ModerationEvents.PRODUCER)
                .build();
    }
}
