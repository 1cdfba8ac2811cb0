package io.chatplatform.notification.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.NotificationProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigestEmailsTest {

    private static final NotificationProperties.Email SETTINGS = new NotificationProperties.Email(
            "Chat <no-reply@chat.example>", "https://chat.example", "/verify-email", "/reset-password", 3, 4,
            Duration.ofSeconds(2));
    private final DigestEmails digests = new DigestEmails(new NotificationProperties("127.0.0.1:9092",
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofDays(7), Duration.ofHours(1), null, null,
            SETTINGS, null));

    @Test
    void userTextIsEscapedInHtmlAndKeptAsIsInText() {
        Email email = digests.digest("bob@example.org", "Bob <the builder>",
                List.of(new DigestEmails.Line("Eve\"><img src=x>", "a room", "<b>bold</b> & \"quoted\"", "c&1")),
                "https://chat.example/api/notifications/unsubscribe?token=t");

        assertThat(email.subject()).isEqualTo("New message from Eve\"><img src=x>");
        assertThat(email.text()).contains("Hello Bob <the builder>,")
                .contains("Eve\"><img src=x> in a room: <b>bold</b> & \"quoted\"");
        assertThat(email.html()).contains("Hello Bob &lt;the builder&gt;,")
                .contains("Eve&quot;&gt;&lt;img src=x&gt;")
                .contains("&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;")
                .contains("href=\"https://chat.example?conversation=c%261\"")
                .doesNotContain("<img").doesNotContain("<b>");
        assertThat(email.headers())
                .containsEntry("List-Unsubscribe", "<https://chat.example/api/notifications/unsubscribe?token=t>")
                .containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }

    @Test
    void manyMessagesAreListedUpToTheLimitAndCounted() {
        List<DigestEmails.Line> lines = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            lines.add(new DigestEmails.Line("Ann", "a direct message", "message " + i, "dm"));
        }

        Email email = digests.digest("bob@example.org", "Bob", lines, "https://chat.example/u");

        assertThat(email.subject()).isEqualTo("5 unread messages");
        assertThat(email.text()).contains("message 3").doesNotContain("message 4").contains("... and 2 more.");
        assertThat(email.html()).contains("... and 2 more.");
    }
}
