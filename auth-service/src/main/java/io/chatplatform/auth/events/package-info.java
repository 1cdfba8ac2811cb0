/**
 * Events on Kafka {@code auth.events}: start at {@link io.chatplatform.auth.events.AuthEvents}.
 */
package io.chatplatform.auth.events;
