package io.chatplatform.websocket.connection;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON text of frames (docs/websocket-protocol.md): a client frame is one JSON object with a string {@code type};
 * anything else, whatever the bytes, is a {@link MalformedFrameException} (answered with an {@code error} frame of
 * code {@code malformed}), never another exception.
 */
final class FrameCodec {

    private final JsonMapper json;

    FrameCodec(JsonMapper json) {
        this.json = json;
    }

    /** The frame in {@code text}. */
    ClientFrame decode(String text) {
        if (text == null) {
            throw new MalformedFrameException("no text");
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JacksonException e) {
            // Includes the parser's limits (nesting depth, number and string lengths): all bad input.
            throw new MalformedFrameException("not JSON: " + e.getOriginalMessage());
        }
        if (frame == null || !frame.isObject()) {
            throw new MalformedFrameException("not a JSON object");
        }
        JsonNode type = frame.get("type");
        if (type == null || !type.isString()) {
            throw new MalformedFrameException("no string \"type\"");
        }
        return new ClientFrame(type.asString(), frame);
    }

    /** The JSON text of a frame built as a map (server frames, or client frames in tests). */
    String encode(Map<String, ?> frame) {
        return json.writeValueAsString(frame);
    }

    /**
     * A decoded client frame.
     *
     * @param type the frame's {@code type}
     * @param body the whole JSON object, {@code type} included
     */
    record ClientFrame(String type, JsonNode body) {
    }

    /** The text is not one JSON object with a string {@code type}. */
    static final class MalformedFrameException extends RuntimeException {

        MalformedFrameException(String reason) {
            super(reason, null, false, false);
        }
    }
}
