/**
 * The /ws endpoint: connections, fan-out, presence, typing, receipts and resume.
 *
 * <p>Start reading at {@link io.chatplatform.websocket.WebSocketServiceApplication}; feature packages sit beside it.
 */
package io.chatplatform.websocket;
