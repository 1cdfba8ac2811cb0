package io.chatplatform.websocket.delivery;

/** One open, authenticated connection as delivery sees it. */
public interface Recipient {

    String userId();

    /** Queues a frame (already serialized once for every recipient) for this connection; never blocks. */
    void deliver(Frames.Frame frame, String json);

    /** The auth-service session of the token the connection authenticated with. */
    String sessionId();

    /** Ends the connection with a close frame. */
    void close(int code, String reason);
}
