/** Rooms' retention periods, enforced by {@link io.chatplatform.chat.retention.RetentionPurge}. */
package io.chatplatform.chat.retention;
