/** The {@code /ws} endpoint: handshake checks, authentication, frames in and out, per-connection state. */
package io.chatplatform.websocket.connection;
