/** What moderation-service publishes on Kafka {@code moderation.events}. */
package io.chatplatform.moderation.events;
