package io.chatplatform.support.jwt;

import io.jsonwebtoken.io.AbstractDeserializer;
import java.io.Reader;
import java.util.Map;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * jjwt's JSON hook on Jackson 3, so tokens parse with the Jackson line Boot 4 ships (jjwt-jackson needs Jackson 2).
 *
 * <p>A private mapper, not the application's: application-wide Jackson customizations must not change how tokens
 * parse. Duplicate member names are rejected (RFC 7515 §5.2 allows it), so a header cannot say one thing to a
 * lenient parser and another to us.
 */
final class JacksonJsonDeserializer extends AbstractDeserializer<Map<String, ?>> {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    protected Map<String, ?> doDeserialize(Reader reader) {
        return mapper.readValue(reader, MAP);
    }
}
