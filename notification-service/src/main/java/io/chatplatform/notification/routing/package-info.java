/**
 * Who hears of a message and when: start at {@link io.chatplatform.notification.routing.ChatMessagesConsumer}, which
 * schedules, and {@link io.chatplatform.notification.routing.DueNotifications}, which sends what came due.
 */
package io.chatplatform.notification.routing;
