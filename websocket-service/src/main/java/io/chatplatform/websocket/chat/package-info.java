/** The client side of chat-service's gRPC API: sends, history for resume, and membership. */
package io.chatplatform.websocket.chat;
