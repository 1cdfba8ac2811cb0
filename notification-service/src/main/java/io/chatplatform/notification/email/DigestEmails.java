package io.chatplatform.notification.email;

import static io.chatplatform.notification.email.EmailLayout.escape;
import static io.chatplatform.notification.email.EmailLayout.link;

import io.chatplatform.notification.NotificationProperties;
import io.chatplatform.notification.delivery.Links;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** One email that lists a user's unread messages, with a {@code List-Unsubscribe} header and link (RFC 2369, 8058). */
@Component
public class DigestEmails {

    private final NotificationProperties.Email settings;

    DigestEmails(NotificationProperties properties) {
        this.settings = properties.email();
    }

    /**
     * One unread message as the digest shows it.
     *
     * @param senderName  who sent it
     * @param where       "a direct message" or "a room"
     * @param preview     the text, shortened
     * @param conversationId where to open it
     */
    public record Line(String senderName, String where, String preview, String conversationId) {
    }

    public Email digest(String to, String name, List<Line> lines, String unsubscribeUrl) {
        int shown = Math.min(lines.size(), settings.digestLimit());
        int more = lines.size() - shown;
        String subject = lines.size() == 1
                ? "New message from " + lines.get(0).senderName()
                : lines.size() + " unread messages";
        StringBuilder text = new StringBuilder("Hello ").append(name).append(",\n\nyou have unread messages:\n\n");
        StringBuilder html = new StringBuilder("<p>Hello ").append(escape(name))
                .append(",</p><p>you have unread messages:</p><ul>");
        for (Line line : lines.subList(0, shown)) {
            String open = conversationUrl(line.conversationId());
            text.append("* ").append(line.senderName()).append(" in ").append(line.where()).append(": ")
                    .append(line.preview()).append("\n  ").append(open).append("\n");
            html.append("<li><strong>").append(escape(line.senderName())).append("</strong> in ")
                    .append(escape(line.where())).append(": ").append(escape(line.preview())).append(" (")
                    .append(link(open, "open")).append(")</li>");
        }
        html.append("</ul>");
        if (more > 0) {
            text.append("\n... and ").append(more).append(" more.\n");
            html.append("<p>... and ").append(more).append(" more.</p>");
        }
        text.append("\nTo stop these emails: ").append(unsubscribeUrl).append("\n");
        String footer = "You get this email because email notifications are on. "
                + link(unsubscribeUrl, "Unsubscribe") + ".";
        Map<String, String> headers = Map.of(
                "List-Unsubscribe", "<" + unsubscribeUrl + ">",
                "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return new Email(to, subject, text.toString(), EmailLayout.page(subject, html.toString(), footer), headers);
    }

    private String conversationUrl(String conversationId) {
        return Links.conversation(settings.publicUrl(), conversationId);
    }
}
