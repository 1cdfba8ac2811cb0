package io.chatplatform.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tools.jackson.databind.json.JsonMapper;

/**
 * The frame codec over generated input: whatever text arrives, decoding gives a frame or the codec's own
 * {@link FrameCodec.MalformedFrameException} (which the handler answers with a {@code malformed} error), never
 * another exception; and every frame the codec encodes decodes to the same frame.
 */
class FrameCodecPropertiesTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final FrameCodec codec = new FrameCodec(json);

    @Property(tries = 500)
    void decodingArbitraryTextGivesAFrameOrMalformed(@ForAll("arbitraryText") String text) {
        decodesOrRefuses(text);
    }

    @Property(tries = 500)
    void decodingJsonLikeTextGivesAFrameOrMalformed(@ForAll("jsonLikeText") String text) {
        decodesOrRefuses(text);
    }

    @Property(tries = 200)
    void decodingWellFormedJsonOfAnyShapeGivesAFrameOnlyForObjectsWithAStringType(@ForAll("jsonValues") Object value) {
        String text = json.writeValueAsString(value);
        boolean frame = value instanceof Map<?, ?> map && map.get("type") instanceof String;
        if (frame) {
            assertThat(codec.decode(text).type()).isEqualTo(((Map<?, ?>) value).get("type"));
        } else {
            assertThatThrownBy(() -> codec.decode(text)).isInstanceOf(FrameCodec.MalformedFrameException.class);
        }
    }

    @Property(tries = 300)
    void everyEncodedFrameDecodesToTheSameFrame(@ForAll("frames") Map<String, Object> frame) {
        FrameCodec.ClientFrame decoded = codec.decode(codec.encode(frame));

        assertThat(decoded.type()).isEqualTo(frame.get("type"));
        assertThat(decoded.body().get("text").asString()).isEqualTo(frame.get("text"));
        assertThat(decoded.body().get("seq").asLong()).isEqualTo(frame.get("seq"));
        // The same tree; an integer read back may be held as an int where a long was written.
        assertThat(decoded.body().equals(FrameCodecPropertiesTest::sameValue, json.valueToTree(frame))).isTrue();
        assertThat(codec.encode(json.convertValue(decoded.body(), Map.class))).isEqualTo(codec.encode(frame));
    }

    @Property(tries = 50)
    void deeplyNestedJsonIsMalformedNotAStackOverflow(@ForAll("depths") int depth) {
        String nested = "{\"type\":\"send\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        decodesOrRefuses(nested);
    }

    private void decodesOrRefuses(String text) {
        try {
            FrameCodec.ClientFrame frame = codec.decode(text);
            assertThat(frame.body().isObject()).isTrue();
            assertThat(frame.body().get("type").asString()).isEqualTo(frame.type());
        } catch (FrameCodec.MalformedFrameException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> arbitraryText() {
        // Any UTF-16 units, lone surrogates and control characters included.
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    /** Text made of JSON's own tokens in random order: mostly almost-JSON, sometimes a frame. */
    @Provide
    Arbitrary<String> jsonLikeText() {
        Arbitrary<String> token = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\"type\"", "\"send\"", "\"auth\"",
                        "true", "false", "null", "-", "0", "1e999", "12345678901234567890123", "\\u", "\\uD800",
                        "\\\"", "\\", " ", "\n", "/*", "//", "NaN", "'")),
                Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(3)));
        Arbitrary<String> body = token.list().ofMaxSize(30).map(tokens -> String.join("", tokens));
        return Arbitraries.frequencyOf(
                Tuple.of(2, body),
                Tuple.of(2, body.map(inner -> "{\"type\":\"send\"," + inner + "}")),
                Tuple.of(1, body.map(inner -> "{" + inner)));
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        return jsonValue(3);
    }

    private Arbitrary<Object> jsonValue(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(10).map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.just(null));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Object> list = jsonValue(depth - 1).list().ofMaxSize(3).map(Object.class::cast);
        Arbitrary<Object> object = Combinators.combine(
                        Arbitraries.of("type", "token", "text", "conversations", "").list().ofMaxSize(3),
                        jsonValue(depth - 1).list().ofSize(3))
                .as((keys, values) -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        map.put(keys.get(i), values.get(i));
                    }
                    return (Object) map;
                });
        return Arbitraries.oneOf(scalar, list, object);
    }

    /** Client frames of the protocol's types, with the fields they carry and text of any characters. */
    @Provide
    Arbitrary<Map<String, Object>> frames() {
        Arbitrary<String> type = Arbitraries.of("auth", "send", "resume", "ping", "edit", "delete", "read", "typing",
                "delivered", "no-such-type");
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(50)
                // Valid frames carry valid Unicode: a lone surrogate cannot be sent as UTF-8 text.
                .filter(FrameCodecPropertiesTest::wellFormedUtf16);
        Arbitrary<String> id = Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(20);
        Arbitrary<Long> seq = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Combinators.combine(type, id, id, text, seq, Arbitraries.maps(id, seq).ofMaxSize(3))
                .as((frameType, conversationId, clientMsgId, body, lastSeq, conversations) -> {
                    Map<String, Object> frame = new LinkedHashMap<>();
                    frame.put("type", frameType);
                    frame.put("conversationId", conversationId);
                    frame.put("clientMsgId", clientMsgId);
                    frame.put("text", body);
                    frame.put("seq", lastSeq);
                    frame.put("conversations", conversations);
                    frame.put("replyTo", null);
                    frame.put("mentions", List.of(conversationId));
                    return frame;
                });
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 5_000);
    }

    private static int sameValue(tools.jackson.databind.JsonNode a, tools.jackson.databind.JsonNode b) {
        if (a.equals(b)) {
            return 0;
        }
        return a.isIntegralNumber() && b.isIntegralNumber() && a.bigIntegerValue().equals(b.bigIntegerValue())
                ? 0 : 1;
    }

    private static boolean wellFormedUtf16(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
