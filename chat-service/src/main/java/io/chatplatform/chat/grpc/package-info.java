/**
 * The {@code ChatService} gRPC API for websocket-service (SendMessage, History, MarkRead) and other services (Membership); HideMessage is not implemented yet.
 * {@link io.chatplatform.chat.grpc.ChatGrpcService} runs the same reactive code as REST; its callers authenticate
 * users themselves and pass the user id.
 */
package io.chatplatform.chat.grpc;
