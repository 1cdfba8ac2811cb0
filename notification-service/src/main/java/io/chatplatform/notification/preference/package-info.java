/** What each user wants to hear of, overall and per conversation: start at {@link io.chatplatform.notification.preference.Preferences}. */
package io.chatplatform.notification.preference;
