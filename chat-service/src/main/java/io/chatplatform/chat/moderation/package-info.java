/**
 * Pre-moderation: messages sent to rooms in {@code pre} moderation mode are stored held (only their sender sees them)
 * and released, hidden or kept for review on moderation-service's verdict. See
 * {@link io.chatplatform.chat.moderation.PreModeration}; the policy when no verdict comes is in
 * {@link io.chatplatform.chat.moderation.PreModerationProperties}.
 */
package io.chatplatform.chat.moderation;
