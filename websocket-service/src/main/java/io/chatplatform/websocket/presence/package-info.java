/** Who is online, across instances and devices, shown only to those who share a conversation. */
package io.chatplatform.websocket.presence;
