package io.chatplatform.notification.email;

import java.util.Map;

/**
 * One email ready to send.
 *
 * @param to      the recipient's address
 * @param subject the subject line
 * @param text    the plain-text part
 * @param html    the HTML part; every value in it was escaped
 * @param headers extra headers such as {@code List-Unsubscribe}
 */
public record Email(String to, String subject, String text, String html, Map<String, String> headers) {

    public Email {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
