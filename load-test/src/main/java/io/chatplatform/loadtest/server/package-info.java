/**
 * The system under test: {@link io.chatplatform.loadtest.server.InProcessChatService} starts embedded infrastructure
 * and chat-service (in the load generator's JVM, or in its own via
 * {@link io.chatplatform.loadtest.server.ServeChatCommand}), and {@link io.chatplatform.loadtest.server.TokenIssuer}
 * signs the load users' tokens and serves the JWKS chat-service verifies them with.
 */
package io.chatplatform.loadtest.server;
