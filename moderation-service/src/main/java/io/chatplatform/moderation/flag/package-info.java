/** Flags: messages waiting for (or decided by) a moderator, from the rules or from users' reports. */
package io.chatplatform.moderation.flag;
