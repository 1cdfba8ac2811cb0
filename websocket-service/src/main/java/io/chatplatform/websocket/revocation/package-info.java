/** Connections end when their access does: blocked accounts and revoked sessions. */
package io.chatplatform.websocket.revocation;
