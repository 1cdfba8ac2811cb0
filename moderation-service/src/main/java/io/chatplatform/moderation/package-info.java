/**
 * Asynchronous moderation checks, flags, verdicts, user blocking and the ModerationAdmin gRPC API.
 *
 * <p>Start reading at {@link io.chatplatform.moderation.ModerationServiceApplication}; feature packages sit beside it.
 */
package io.chatplatform.moderation;
