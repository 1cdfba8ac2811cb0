package io.chatplatform.infra;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Spring Boot 4.0 property names that point a service at an {@link Infrastructure}. */
final class SpringProperties {

    static final String KAFKA_BOOTSTRAP_SERVERS = "chat.kafka.bootstrap-servers";
    static final String REDIS_HOST = "spring.data.redis.host";
    static final String REDIS_PORT = "spring.data.redis.port";
    /** Boot 4 moved this from spring.data.mongodb.uri (which now fails at startup) to spring.mongodb.uri. */
    static final String MONGODB_URI = "spring.mongodb.uri";
    static final String MAIL_HOST = "spring.mail.host";
    static final String MAIL_PORT = "spring.mail.port";

    private SpringProperties() {
    }

    static Map<String, String> of(Infrastructure infrastructure) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(KAFKA_BOOTSTRAP_SERVERS, infrastructure.kafkaBootstrapServers());
        properties.put(REDIS_HOST, infrastructure.redisHost());
        properties.put(REDIS_PORT, String.valueOf(infrastructure.redisPort()));
        properties.put(MONGODB_URI, infrastructure.mongoUri());
        properties.put(MAIL_HOST, infrastructure.smtpHost());
        properties.put(MAIL_PORT, String.valueOf(infrastructure.smtpPort()));
        return Collections.unmodifiableMap(properties);
    }
}
