package io.chatplatform.auth.profile;

import io.chatplatform.auth.AuthProperties;
import io.chatplatform.auth.Problems;
import io.chatplatform.auth.account.UserStore;
import io.chatplatform.auth.account.UserStore.ProfileChange;
import io.chatplatform.auth.token.AuthenticatedUser;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Profiles under {@code /api/users}: my own (with email), anyone's public one, and prefix search. */
@RestController
@RequestMapping("/api/users")
class ProfileController {

    private final UserStore users;
    private final AuthProperties properties;
    private final Clock clock;

    ProfileController(UserStore users, AuthProperties properties, Clock clock) {
        this.users = users;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/me")
    Mono<ProfileView> me(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        return users.findById(caller.userId())
                .map(ProfileView::own);
    }

    @PatchMapping("/me")
    Mono<ProfileView> update(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @Valid @RequestBody ProfilePatch patch) {
        ProfileChange change = new ProfileChange(
                patch.displayName() == null ? null : patch.displayName().strip(),
                patch.avatarUrl() == null ? null : patch.avatarUrl().strip(),
                patch.about());
        return users.updateProfile(caller.userId(), change, clock.instant())
                .map(ProfileView::own);
    }

    @GetMapping("/{userId}")
    Mono<ProfileView> byId(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @PathVariable String userId) {
        return users.findById(userId)
                .map(user -> user.id().equals(caller.userId()) ? ProfileView.own(user) : ProfileView.publicOf(user))
                .switchIfEmpty(Mono.error(() -> Problems.notFound("No such user.")));
    }

    /** Case-insensitive prefix search on username and display name, ordered by username, paged by cursor. */
    @GetMapping
    Mono<SearchPage> search(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller,
            @RequestParam @NotBlank(message = "is required") @Size(max = 64, message = "must be at most 64 characters")
            String query,
            @RequestParam(required = false) @Size(max = 200, message = "is not a valid cursor") String cursor,
            @RequestParam(required = false) @Min(value = 1, message = "must be at least 1")
            @Max(value = 200, message = "must be at most 200") Integer limit) {
        int pageSize = limit == null ? properties.search().defaultLimit() : limit;
        if (pageSize > properties.search().maxLimit()) {
            return Mono.error(Problems.invalidField("limit", "must be at most " + properties.search().maxLimit()));
        }
        String after;
        try {
            after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
        } catch (IllegalArgumentException e) {
            return Mono.error(Problems.invalidField("cursor", "is not a valid cursor"));
        }
        // One more than asked, to know whether another page follows.
        return users.searchByPrefix(query.strip().toLowerCase(Locale.ROOT), after, pageSize + 1)
                .collectList()
                .map(found -> page(found, pageSize));
    }

    private static SearchPage page(List<io.chatplatform.auth.account.User> found, int pageSize) {
        boolean more = found.size() > pageSize;
        List<io.chatplatform.auth.account.User> shown = more ? found.subList(0, pageSize) : found;
        String next = more ? encodeCursor(shown.get(shown.size() - 1).usernameLower()) : null;
        return new SearchPage(shown.stream().map(ProfileView::publicOf).toList(), next);
    }

    /** What a cursor holds: a lowercased username (usernames are {@code [a-zA-Z0-9_.-]{3,32}}). */
    private static final java.util.regex.Pattern CURSOR_USERNAME = java.util.regex.Pattern.compile("[a-z0-9_.-]{3,32}");

    /** Opaque to clients: the last username of the page, base64url. */
    private static String encodeCursor(String usernameLower) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(usernameLower.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The username a cursor names. Only cursors this service made are accepted: anything else (valid base64url of
     * other bytes included) is an {@link IllegalArgumentException}, so a made-up cursor is a 400, never a page.
     */
    private static String decodeCursor(String cursor) {
        String usernameLower = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!CURSOR_USERNAME.matcher(usernameLower).matches() || !encodeCursor(usernameLower).equals(cursor)) {
            throw new IllegalArgumentException("not a cursor of this service");
        }
        return usernameLower;
    }

    /**
     * A partial update: absent (null) fields are left as they are.
     *
     * @param avatarUrl an http or https URL, or {@code ""} to remove the avatar
     */
    record ProfilePatch(
            @Size(min = 1, max = 64, message = "must be 1 to 64 characters")
            @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String displayName,
            @Size(max = 2048, message = "must be at most 2048 characters")
            @Pattern(regexp = "(?i)(https?://[^\\s/?#]+[^\\s]*)?", message = "must be an http or https URL")
            String avatarUrl,
            @Size(max = 500, message = "must be at most 500 characters") String about) {
    }

    /** @param nextCursor pass as {@code cursor} for the next page; absent on the last page */
    record SearchPage(List<ProfileView> users, String nextCursor) {
    }
}
