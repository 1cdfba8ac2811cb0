/** gRPC clients of the services moderation acts through: chat-service (hide, membership) and auth-service (status). */
package io.chatplatform.moderation.clients;
