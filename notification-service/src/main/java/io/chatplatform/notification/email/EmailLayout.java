package io.chatplatform.notification.email;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/**
 * The HTML frame every email shares. Callers pass HTML they escaped themselves ({@link #escape}); message text and
 * names come from users and are never trusted as markup.
 */
final class EmailLayout {

    private EmailLayout() {
    }

    static String escape(String text) {
        return htmlEscape(text == null ? "" : text, "UTF-8");
    }

    /** A link, escaped for an attribute and as text. */
    static String link(String url, String label) {
        return "<a href=\"" + escape(url) + "\">" + escape(label) + "</a>";
    }

    /** An HTML document around already-escaped {@code bodyHtml}, with an optional already-escaped footer. */
    static String page(String title, String bodyHtml, String footerHtml) {
        return """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>%s</title></head>
                <body style="font-family: sans-serif; line-height: 1.4; color: #222">
                %s
                %s
                </body></html>
                """.formatted(escape(title), bodyHtml,
                footerHtml == null ? "" : "<hr><p style=\"font-size: small; color: #666\">" + footerHtml + "</p>");
    }
}
