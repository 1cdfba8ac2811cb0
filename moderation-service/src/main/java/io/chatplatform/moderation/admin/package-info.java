/**
 * The moderators' API: {@link io.chatplatform.moderation.admin.ModerationAdminGrpcService} (gRPC, for the CLI)
 * authenticated by {@link io.chatplatform.moderation.admin.ModeratorCredentials}, and the actions it shares with REST
 * ({@link io.chatplatform.moderation.admin.ModeratorActions}).
 */
package io.chatplatform.moderation.admin;
