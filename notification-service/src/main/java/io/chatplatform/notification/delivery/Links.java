package io.chatplatform.notification.delivery;

import org.springframework.web.util.UriComponentsBuilder;

/** Links into the platform that notifications carry; every one starts at the public URL (the gateway). */
public final class Links {

    private Links() {
    }

    /** Where a conversation opens in the web client. */
    public static String conversation(String publicUrl, String conversationId) {
        return withQuery(publicUrl, "", "conversation", conversationId);
    }

    /** {@code publicUrl + path} with one query parameter, encoded. */
    public static String withQuery(String publicUrl, String path, String name, String value) {
        return UriComponentsBuilder.fromUriString(publicUrl)
                .path(path)
                .queryParam(name, value)
                .encode()
                .build()
                .toUriString();
    }
}
