/**
 * WebPush and email notifications: subscriptions, preferences, dedupe, retry and dead letters.
 *
 * <p>Start reading at {@link io.chatplatform.notification.NotificationServiceApplication}; feature packages sit beside it.
 */
package io.chatplatform.notification;
