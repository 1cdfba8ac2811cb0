package io.chatplatform.notification.delivery;

import io.chatplatform.contracts.events.NotificationChannel;

/** How a notification travels; the tag value in metrics. */
public enum Channel {
    PUSH("push", NotificationChannel.NOTIFICATION_CHANNEL_WEB_PUSH),
    EMAIL("email", NotificationChannel.NOTIFICATION_CHANNEL_EMAIL);

    private final String tag;
    private final NotificationChannel proto;

    Channel(String tag, NotificationChannel proto) {
        this.tag = tag;
        this.proto = proto;
    }

    public String tag() {
        return tag;
    }

    NotificationChannel proto() {
        return proto;
    }
}
