package io.chatplatform.notification.delivery;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/notifications/dev/outbox}: the pushes and emails this instance sent, newest first, with their content.
 * Only with {@code chat.notification.dev-outbox.enabled=true} (standalone turns it on); it needs no sign-in and shows
 * everyone's notifications, so it must stay off anywhere real users are.
 */
@RestController
@ConditionalOnProperty(name = "chat.notification.dev-outbox.enabled", havingValue = "true")
class DevOutboxController {

    private final SentNotifications sent;
    private final NotificationMetrics metrics;

    DevOutboxController(SentNotifications sent, NotificationMetrics metrics) {
        this.sent = sent;
        this.metrics = metrics;
    }

    @GetMapping(path = "/api/notifications/dev/outbox.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, List<SentNotifications.Sent>> json() {
        return Map.of("items", sent.recent());
    }

    @GetMapping(path = "/api/notifications/dev/outbox", produces = MediaType.TEXT_HTML_VALUE)
    String page() {
        StringBuilder rows = new StringBuilder();
        for (SentNotifications.Sent item : sent.recent()) {
            rows.append("<tr><td>").append(item.at()).append("</td><td>").append(item.channel().tag())
                    .append("</td><td>").append(htmlEscape(item.userId())).append("</td><td>")
                    .append(htmlEscape(item.destination())).append("</td><td><strong>")
                    .append(htmlEscape(item.title())).append("</strong><pre>").append(htmlEscape(item.body()))
                    .append("</pre></td></tr>");
        }
        StringBuilder totals = new StringBuilder();
        for (Channel channel : Channel.values()) {
            totals.append(channel.tag()).append(": ");
            for (NotificationMetrics.Outcome outcome : NotificationMetrics.Outcome.values()) {
                totals.append(outcome.tag()).append(' ').append((long) metrics.total(channel, outcome)).append(' ');
            }
            totals.append("<br>");
        }
        return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
                <title>Notification outbox</title>
                <style>body{font-family:sans-serif}td{vertical-align:top;border-top:1px solid #ccc;padding:4px}
                pre{white-space:pre-wrap;margin:4px 0}</style></head>
                <body><h1>Notifications sent</h1><p>Newest first; refreshes every 5 seconds. This page exists only
                with chat.notification.dev-outbox.enabled. Emails are also in the SMTP server (GreenMail in
                standalone).</p><p>%s</p>
                <table><tr><th>at</th><th>channel</th><th>user</th><th>to</th><th>content</th></tr>%s</table>
                </body></html>
                """.formatted(totals, rows);
    }
}
