package io.chatplatform.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a stored access token is refreshed; the refresh itself runs against auth-service in e2e-tests' ModerationIT. */
class StoredSessionTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aTokenIsRefreshedOnlyWhenItsExpiryIsWithinTheMargin() {
        assertThat(StoredSession.expiresSoon(jwt(NOW.minusSeconds(1)), NOW)).isTrue();
        assertThat(StoredSession.expiresSoon(jwt(NOW.plusSeconds(10)), NOW)).as("within 30 s").isTrue();
        assertThat(StoredSession.expiresSoon(jwt(NOW.plusSeconds(600)), NOW)).isFalse();
        assertThat(StoredSession.expiresSoon("not-a-jwt", NOW)).as("left to the server").isFalse();
        assertThat(StoredSession.expiresSoon("a.%%%.c", NOW)).isFalse();
    }

    @Test
    void aValidTokenIsUsedWithoutAskingAuthServiceAndAnExpiredOneIsRefreshedThere() throws Exception {
        // auth-url points at a closed port: any attempt to refresh fails with exit code 1.
        StoredSession session = new StoredSession(dir, Duration.ofSeconds(2));
        String valid = jwt(NOW.plusSeconds(600));
        session.store(valid, "refresh-1", URI.create("http://127.0.0.1:1"));

        assertThat(session.accessToken(NOW)).isEqualTo(valid);

        Files.writeString(dir.resolve("token"), jwt(NOW.minusSeconds(60)));
        assertThatThrownBy(() -> session.accessToken(NOW))
                .isInstanceOfSatisfying(ModerationCli.CliException.class,
                        error -> assertThat(error.getMessage()).contains("cannot reach http://127.0.0.1:1"));
        assertThat(Files.readString(dir.resolve("refresh-token"))).as("kept for the next try").isEqualTo("refresh-1");
    }

    @Test
    void withoutAStoredSessionCommandsAskForALogin() {
        assertThatThrownBy(() -> new StoredSession(dir, Duration.ofSeconds(2)).accessToken(NOW))
                .isInstanceOfSatisfying(ModerationCli.CliException.class,
                        error -> assertThat(error.getMessage()).contains("chatmod login"));
    }

    private static String jwt(Instant exp) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(("{\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
                + ".sig";
    }
}
