package io.chatplatform.notification.email;

import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Channel;
import io.chatplatform.notification.delivery.NotificationMetrics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends emails over SMTP with Jakarta Mail (Spring Boot's {@code spring.mail.*}). Jakarta Mail blocks on its socket,
 * so every send runs on boundedElastic, never on an event loop. A failed send is tried again
 * {@code chat.notification.email.attempts} times in all, with doubling backoff.
 */
@Component
public class Mailer {

    private static final Logger log = LoggerFactory.getLogger(Mailer.class);

    private final JavaMailSender sender;
    private final NotificationProperties.Email settings;
    private final NotificationMetrics metrics;
    private final Clock clock;

    Mailer(JavaMailSender sender, NotificationProperties properties, NotificationMetrics metrics,
           Optional<Clock> clock) {
        this.sender = sender;
        this.settings = properties.email();
        this.metrics = metrics;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * How a send ended after its retries.
     *
     * @param lastError null when sent
     */
    public record Result(boolean sent, int attempts, String lastError, Instant firstAttemptAt,
                         Instant lastAttemptAt) {
    }

    /** Sends the email; completes with the outcome, never with an error. */
    public Mono<Result> send(Email email) {
        return attempt(email, 1, clock.instant());
    }

    private Mono<Result> attempt(Email email, int attempt, Instant first) {
        return Mono.fromRunnable(() -> deliver(email))
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.fromSupplier(() -> {
                    metrics.count(Channel.EMAIL, NotificationMetrics.Outcome.SENT);
                    return new Result(true, attempt, null, first, clock.instant());
                }))
                .onErrorResume(error -> {
                    metrics.count(Channel.EMAIL, NotificationMetrics.Outcome.FAILED);
                    log.debug("Email attempt {} failed: {}", attempt, error.toString());
                    if (attempt >= settings.attempts()) {
                        return Mono.just(new Result(false, attempt, describe(error), first, clock.instant()));
                    }
                    Duration backoff = settings.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
                    return Mono.delay(backoff).then(Mono.defer(() -> attempt(email, attempt + 1, first)));
                });
    }

    /** Blocking: Jakarta Mail connects, talks SMTP and waits for the server's answer. */
    private void deliver(Email email) {
        MimeMessage message = sender.createMimeMessage();
        try {
            MimeMessageHelper helper = new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED,
                    StandardCharsets.UTF_8.name());
            helper.setFrom(settings.from());
            helper.setTo(email.to());
            helper.setSubject(email.subject());
            helper.setText(email.text(), email.html());
            for (var header : email.headers().entrySet()) {
                message.setHeader(header.getKey(), header.getValue());
            }
        } catch (MessagingException e) {
            throw new IllegalArgumentException("Cannot build the email: " + e.getMessage(), e);
        }
        sender.send(message);
    }

    private static String describe(Throwable error) {
        String kind = error instanceof MailException ? "SMTP" : error.getClass().getSimpleName();
        return kind + ": " + error.getMessage();
    }
}
