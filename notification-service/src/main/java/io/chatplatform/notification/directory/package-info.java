/** What this service knows of users from {@code auth.events} (names, addresses, blocked), and the account emails it sends: start at {@link io.chatplatform.notification.directory.AuthEventsConsumer}. */
package io.chatplatform.notification.directory;
