package io.chatplatform.notification.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.NotificationMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import reactor.test.StepVerifier;

class MailerTest {

    @Test
    void anUnreachableSmtpServerIsTriedAgainThenReportedWithTheReason() throws IOException {
        JavaMailSenderImpl smtp = UnreachableSmtp.sender();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NotificationProperties properties = new NotificationProperties("127.0.0.1:9092", Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofDays(7), Duration.ofHours(1), null, null,
                new NotificationProperties.Email("Chat <no-reply@chat.example>", "https://chat.example",
                        "/verify-email", "/reset-password", 20, 3, Duration.ofMillis(10)),
                null);
        Mailer mailer = new Mailer(smtp, properties, NotificationMetrics.forRegistry(registry),
                Optional.empty());

        StepVerifier.create(mailer.send(new Email("bob@example.org", "Hi", "text", "<p>html</p>", Map.of())))
                .assertNext(result -> {
                    assertThat(result.sent()).isFalse();
                    assertThat(result.attempts()).isEqualTo(3);
                    assertThat(result.lastError()).startsWith("SMTP: ").contains("connect");
                    assertThat(result.lastAttemptAt()).isAfterOrEqualTo(result.firstAttemptAt());
                })
                .expectComplete()
                .verify(Duration.ofSeconds(30));
        assertThat(registry.get("chat.notifications").tag("channel", "email").tag("outcome", "failed").counter()
                .count()).isEqualTo(3);
    }
}
