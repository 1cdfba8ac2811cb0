/** Browsers' push subscriptions per user and device: start at {@link io.chatplatform.notification.subscription.SubscriptionController}. */
package io.chatplatform.notification.subscription;
