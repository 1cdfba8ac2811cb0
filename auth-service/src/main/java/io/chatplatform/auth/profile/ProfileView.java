package io.chatplatform.auth.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.chatplatform.auth.account.User;
import java.time.Instant;
import java.util.List;

/**
 * A profile as JSON. {@code email}, {@code emailVerified} and {@code status} are only filled in for the user
 * themself ({@link #own}); everyone else gets the {@link #publicOf public} view, where they are absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileView(
        String id,
        String username,
        String displayName,
        String avatarUrl,
        String about,
        List<String> roles,
        Instant createdAt,
        String email,
        Boolean emailVerified,
        String status) {

    public static ProfileView publicOf(User user) {
        return new ProfileView(user.id(), user.username(), user.shownName(), nullToEmpty(user.avatarUrl()),
                nullToEmpty(user.about()), user.roles(), user.createdAt(), null, null, null);
    }

    public static ProfileView own(User user) {
        return new ProfileView(user.id(), user.username(), user.shownName(), nullToEmpty(user.avatarUrl()),
                nullToEmpty(user.about()), user.roles(), user.createdAt(), user.email(), user.emailVerified(),
                user.status());
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
