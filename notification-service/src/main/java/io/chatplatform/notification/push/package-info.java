/**
 * WebPush: the VAPID keys, encryption and sending ({@link io.chatplatform.notification.push.WebPushSender}) and what a
 * send does to the subscription ({@link io.chatplatform.notification.push.PushDelivery}).
 */
package io.chatplatform.notification.push;
