/** The append-only audit log of moderation actions: who did what, when and why. */
package io.chatplatform.moderation.audit;
