package io.chatplatform.auth.token;

import io.jsonwebtoken.io.AbstractSerializer;
import java.io.OutputStream;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** jjwt's JSON hook on Jackson 3 (jjwt-jackson needs Jackson 2), with a private mapper as for parsing. */
final class JacksonJwtSerializer extends AbstractSerializer<Map<String, ?>> {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Override
    protected void doSerialize(Map<String, ?> value, OutputStream out) {
        MAPPER.writeValue(out, value);
    }
}
