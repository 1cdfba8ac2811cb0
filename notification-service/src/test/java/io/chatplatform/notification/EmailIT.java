package io.chatplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;
import static org.springframework.data.mongodb.core.query.Query.query;

import com.icegreen.greenmail.util.GreenMail;
import io.chatplatform.contracts.events.EventEnvelope;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;

/** Digest emails and the account emails, as they arrive at the SMTP server (GreenMail). */
class EmailIT extends NotificationITSupport {

    @Autowired
    private ReactiveMongoTemplate mongo;

    @Test
    void unreadMessagesArriveAsOneDigestWithTextHtmlAndAnUnsubscribeLink(GreenMail smtp)
            throws MessagingException, IOException {
        String ann = user("Ann & Co");
        String bob = user("Bob");
        putPreferences(bob, preferences(false, true, false, null));
        String dm = newId("dm");
        chat().conversation(dm, ann, bob);

        publishChat(Events.created(Events.message(dm, true, 1, ann, "read before the digest"), bob));
        publishChat(Events.created(Events.message(dm, true, 2, ann, "<script>alert(1)</script> & co"), bob));
        publishChat(Events.created(Events.message(dm, true, 3, ann, "third"), bob));
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 3);
        chat().read(dm, bob, 1);
        assertThat(mailsTo(smtp, bob)).isEmpty();
        clock.advance(Duration.ofMinutes(11));

        await().atMost(TIMEOUT).until(() -> mailsTo(smtp, bob).size() == 1 && digestEntries(bob) == 0);
        MimeMessage mail = mailsTo(smtp, bob).get(0);
        assertThat(counted("email", "sent")).isPositive();
        assertThat(mail.getSubject()).isEqualTo("2 unread messages");
        assertThat(mail.getFrom()[0].toString()).contains("no-reply@localhost");
        Map<String, String> parts = parts(mail);
        assertThat(parts).containsKeys("text/plain", "text/html");
        assertThat(parts.get("text/plain"))
                .contains("Ann & Co in a direct message: <script>alert(1)</script> & co")
                .contains("third")
                .doesNotContain("read before the digest");
        assertThat(parts.get("text/html"))
                .contains("Ann &amp; Co")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
                .doesNotContain("<script>");
        String listUnsubscribe = mail.getHeader("List-Unsubscribe")[0];
        assertThat(listUnsubscribe).startsWith("<http://localhost:8080/api/notifications/unsubscribe?token=")
                .endsWith(">");
        assertThat(mail.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
        URI link = URI.create(listUnsubscribe.substring(1, listUnsubscribe.length() - 1));
        assertThat(parts.get("text/plain")).contains(link.toString());

        http().get().uri(link.getRawPath() + "?" + link.getRawQuery()).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        as(bob).get().uri("/api/notifications/preferences").exchange()
                .expectBody().jsonPath("$.email").isEqualTo(false);
        http().get().uri(link.getRawPath() + "?token=" + ann + ".forged").exchange()
                .expectStatus().isBadRequest();
        as(ann).get().uri("/api/notifications/preferences").exchange()
                .expectBody().jsonPath("$.email").isEqualTo(true);
    }

    /**
     * A user's digest is made once and each later message only adds its entry while the digest is waiting; once it is
     * sent, the next message makes the next digest.
     */
    @Test
    void aMessageAfterADigestWasSentStartsTheNextDigest(GreenMail smtp) throws MessagingException, IOException {
        String ann = user("Ann");
        String bob = user("Bob");
        putPreferences(bob, preferences(false, true, false, null));
        String dm = newId("dm");
        chat().conversation(dm, ann, bob);

        publishChat(Events.created(Events.message(dm, true, 1, ann, "first"), bob));
        publishChat(Events.created(Events.message(dm, true, 2, ann, "second"), bob));
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 2);
        clock.advance(Duration.ofMinutes(11));
        await().atMost(TIMEOUT).until(() -> mailsTo(smtp, bob).size() == 1 && digestEntries(bob) == 0);

        publishChat(Events.created(Events.message(dm, true, 3, ann, "after the digest"), bob));
        await().atMost(TIMEOUT).until(() -> digestEntries(bob) == 1);
        clock.advance(Duration.ofMinutes(11));
        await().atMost(TIMEOUT).until(() -> mailsTo(smtp, bob).size() == 2 && digestEntries(bob) == 0);
        assertThat(parts(mailsTo(smtp, bob).get(0)).get("text/plain")).contains("first", "second");
        assertThat(parts(mailsTo(smtp, bob).get(1)).get("text/plain")).contains("after the digest")
                .doesNotContain("second");
    }

    @Test
    void verificationAndResetEmailsArriveOnceEachWithTheirLinks(GreenMail smtp)
            throws MessagingException, IOException {
        String vera = newId("u");
        EventEnvelope verification = Events.verification(vera, vera + "@example.org", "verify-token-1");
        EventEnvelope reset = Events.passwordReset(vera, vera + "@example.org", "reset-token-2");
        double deduplicatedBefore = counted("email", "deduplicated");

        Events.auth(kafka, verification);
        Events.auth(kafka, reset);
        Events.auth(kafka, verification);

        await().atMost(TIMEOUT).until(() -> mailsTo(smtp, vera).size() == 2
                && counted("email", "deduplicated") >= deduplicatedBefore + 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> mailsTo(smtp, vera).size() == 2);
        Map<String, MimeMessage> bySubject = new LinkedHashMap<>();
        for (MimeMessage mail : mailsTo(smtp, vera)) {
            bySubject.put(mail.getSubject(), mail);
        }
        assertThat(bySubject).containsOnlyKeys("Confirm your email address", "Reset your password");
        Map<String, String> confirm = parts(bySubject.get("Confirm your email address"));
        assertThat(confirm.get("text/plain")).contains("Hello Vera <Verify>,")
                .contains("http://localhost:8080/verify-email?token=verify-token-1");
        assertThat(confirm.get("text/html")).contains("Hello Vera &lt;Verify&gt;,")
                .contains("href=\"http://localhost:8080/verify-email?token=verify-token-1\"");
        Map<String, String> resetMail = parts(bySubject.get("Reset your password"));
        assertThat(resetMail.get("text/plain")).contains("http://localhost:8080/reset-password?token=reset-token-2");
        assertThat(resetMail.get("text/html")).contains("reset-password?token=reset-token-2");
    }

    private long digestEntries(String userId) {
        return mongo.count(query(where("userId").is(userId)), "digest_entries").block();
    }

    private static List<MimeMessage> mailsTo(GreenMail smtp, String userId) {
        String address = userId + "@example.org";
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(mail -> {
                    try {
                        return Arrays.stream(mail.getRecipients(Message.RecipientType.TO))
                                .anyMatch(to -> to.toString().equalsIgnoreCase(address));
                    } catch (MessagingException e) {
                        return false;
                    }
                })
                .toList();
    }

    /** The leaf parts of a MIME message by content type (without parameters). */
    private static Map<String, String> parts(Part part) throws MessagingException, IOException {
        Map<String, String> found = new LinkedHashMap<>();
        collect(part, found);
        return found;
    }

    private static void collect(Part part, Map<String, String> found) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, found);
            }
        } else {
            found.put(part.getContentType().split(";")[0].strip().toLowerCase(), content.toString());
        }
    }
}
