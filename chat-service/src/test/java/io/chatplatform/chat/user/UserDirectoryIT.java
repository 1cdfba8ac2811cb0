package io.chatplatform.chat.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatplatform.chat.AuthEventsFixture;
import io.chatplatform.chat.ChatServiceITSupport;
import io.chatplatform.chat.TestTokens;
import static io.chatplatform.chat.AuthEventsFixture.registered;
import static io.chatplatform.chat.AuthEventsFixture.statusChanged;
import io.chatplatform.contracts.auth.AccountStatus;
import io.chatplatform.contracts.events.EventEnvelope;
import io.chatplatform.support.kafka.KafkaPublisher;
import io.chatplatform.support.problem.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * The directory fed through the real wiring: envelopes published to the embedded Kafka {@code auth.events}, consumed
 * by this context's {@link AuthEventsConsumer} into the embedded MongoDB.
 */
class UserDirectoryIT extends ChatServiceITSupport {

    /** The target is about a second; the margin absorbs a loaded build machine, not a slower design. */
    private static final Duration BLOCK_DEADLINE = Duration.ofMillis(1500);
    private static final Duration POLL = Duration.ofMillis(20);

    @Autowired
    private UserDirectory directory;

    @Autowired
    private UserStore store;

    @Autowired
    private UserDirectoryProperties properties;

    @Autowired
    private KafkaPublisher kafka;

    @Test
    void blockAndUnblockReachEveryInstanceWithinTheCacheTtl() {
        String userId = newUser();
        registerAndAwait(userId, uniqueName("blocky"));
        assertThat(isBlocked(directory, userId)).isFalse();
        // Another chat-service instance: same database, own cache, does not consume the event. Its entry is warm.
        UserDirectory otherInstance = new UserDirectory(store, properties);
        assertThat(isBlocked(otherInstance, userId)).isFalse();

        Instant blockedAt = Instant.now();
        publish(userId, statusChanged(userId, AccountStatus.ACCOUNT_STATUS_BLOCKED, blockedAt));
        await().atMost(BLOCK_DEADLINE).pollInterval(POLL).until(() -> isBlocked(directory, userId));
        await().atMost(properties.statusCacheTtl().plus(BLOCK_DEADLINE)).pollInterval(POLL)
                .until(() -> isBlocked(otherInstance, userId));

        ApiException refusal = refusal(userId);
        assertThat(refusal.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refusal.getBody().getType()).hasToString("https://chat.example/problems/account-blocked");
        assertThat(refusal.getBody().getDetail()).isEqualTo("Your account is blocked.");

        publish(userId, statusChanged(userId, AccountStatus.ACCOUNT_STATUS_ACTIVE, blockedAt.plusSeconds(1)));
        await().atMost(BLOCK_DEADLINE).pollInterval(POLL).until(() -> !isBlocked(directory, userId));
        await().atMost(properties.statusCacheTtl().plus(BLOCK_DEADLINE)).pollInterval(POLL)
                .until(() -> !isBlocked(otherInstance, userId));
    }

    @Test
    void replayedAndOlderStatusChangesChangeNothing() {
        String userId = newUser();
        registerAndAwait(userId, uniqueName("replay"));
        Instant blockedAt = Instant.parse("2030-01-01T10:00:00.123456789Z");
        EventEnvelope block = statusChanged(userId, AccountStatus.ACCOUNT_STATUS_BLOCKED, blockedAt);
        publish(userId, block);
        await().atMost(TIMEOUT).until(() -> isBlocked(directory, userId));
        DirectoryUser stored = store.find(userId).block(TIMEOUT);

        // The same event again, then an unblock that happened before the block, then a marker behind them in the
        // same partition: once the marker is stored, both were applied (or ignored).
        publish(userId, block);
        publish(userId, statusChanged(userId, AccountStatus.ACCOUNT_STATUS_ACTIVE, blockedAt.minusSeconds(60)));
        awaitMarkerBehind(userId);

        assertThat(store.find(userId).block(TIMEOUT)).isEqualTo(stored);
        assertThat(stored.statusChangedAt()).isEqualTo(Instant.parse("2030-01-01T10:00:00.123Z"));
        assertThat(isBlocked(new UserDirectory(store, properties), userId)).isTrue();
    }

    @Test
    void aStatusChangeBeforeTheRegistrationIsKept() {
        String userId = newUser();
        String username = uniqueName("early");
        publish(userId, statusChanged(userId, AccountStatus.ACCOUNT_STATUS_BLOCKED, Instant.now()));
        await().atMost(TIMEOUT).until(() -> isBlocked(directory, userId));

        registerAndAwait(userId, username);

        assertThat(isBlocked(directory, userId)).isTrue();
        assertThat(store.find(userId).block(TIMEOUT).usernameLower()).isEqualTo(username.toLowerCase(Locale.ROOT));
    }

    @Test
    void unknownUsersAreActive() {
        assertThat(isBlocked(directory, "never-registered-" + UUID.randomUUID())).isFalse();
    }

    @Test
    void mentionsResolveCaseInsensitivelyInOrderAndIgnoreUnknownNames() {
        String ann = newUser();
        String bob = newUser();
        String carol = newUser();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        registerAndAwait(ann, "Ann_" + suffix);
        registerAndAwait(bob, "bob." + suffix);
        registerAndAwait(carol, "carol-" + suffix);

        String text = "@BOB." + suffix + " ping @nobody_" + suffix + ", @ann_" + suffix + " and @Bob." + suffix
                + " again; mail carol-" + suffix + "@example.org or thank @carol-" + suffix + ".";

        assertThat(directory.resolveMentions(text).block(TIMEOUT)).containsExactly(bob, ann, carol);
        assertThat(directory.resolveMentions("no mentions at all").block(TIMEOUT)).isEmpty();
        assertThat(directory.resolveMentions("@unknown_" + suffix).block(TIMEOUT)).isEmpty();
    }

    private void registerAndAwait(String userId, String username) {
        publish(userId, registered(userId, username));
        await().atMost(TIMEOUT)
                .until(() -> {
                    DirectoryUser user = store.find(userId).block(TIMEOUT);
                    return user != null && username.equals(user.username());
                });
    }

    /** Publishes a registration of a new user keyed like {@code userId}'s events, and waits until it is stored. */
    private void awaitMarkerBehind(String userId) {
        String marker = newUser();
        publish(userId, registered(marker, uniqueName("marker")));
        await().atMost(TIMEOUT).until(() -> store.find(marker).block(TIMEOUT) != null);
    }

    private boolean isBlocked(UserDirectory instance, String userId) {
        return instance.requireActive(userId)
                .thenReturn(false)
                .onErrorResume(ApiException.class, refused -> Mono.just(true))
                .block(TIMEOUT);
    }

    private ApiException refusal(String userId) {
        try {
            directory.requireActive(userId).block(TIMEOUT);
        } catch (ApiException refused) {
            return refused;
        }
        throw new AssertionError("requireActive did not refuse " + userId);
    }

    @Test
    void aRevokedSessionsTokensAreRefusedOverRestAndOtherSessionsKeepWorking() {
        String userId = newUser();
        registerAndAwait(userId, uniqueName("revoked"));
        Instant loggedIn = Instant.now().minusSeconds(5);
        String loggedOutSession = "session-" + UUID.randomUUID();
        String loggedOut = TestTokens.tokenFor(userId, loggedOutSession, loggedIn);
        String otherDevice = TestTokens.tokenFor(userId, "session-" + UUID.randomUUID(), loggedIn);
        assertThat(statusWith(loggedOut)).isEqualTo(200);

        publish(userId, AuthEventsFixture.sessionRevoked(userId, loggedOutSession, Instant.now()));

        // Each process reads auth.events in a group of its own: the first read may wait for the group to form.
        await().atMost(TIMEOUT).pollInterval(POLL).until(() -> statusWith(loggedOut) == 401);
        assertThat(statusWith(otherDevice)).as("another session of the same user").isEqualTo(200);

        // "Sign out everywhere": every token issued before it is refused, a login after it works.
        Instant signedOutEverywhere = Instant.now();
        publish(userId, AuthEventsFixture.sessionRevoked(userId, null, signedOutEverywhere));
        await().atMost(TIMEOUT).pollInterval(POLL).until(() -> statusWith(otherDevice) == 401);
        String newLogin = TestTokens.tokenFor(userId, "session-" + UUID.randomUUID(),
                signedOutEverywhere.plusSeconds(2));
        assertThat(statusWith(newLogin)).isEqualTo(200);
    }

    private int statusWith(String token) {
        return http().get().uri("/api/conversations")
                .header("Authorization", "Bearer " + token)
                .exchange()
                .returnResult(Void.class)
                .getStatus()
                .value();
    }

    private void publish(String key, EventEnvelope envelope) {
        AuthEventsFixture.publish(kafka, key, envelope);
    }

    private static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
