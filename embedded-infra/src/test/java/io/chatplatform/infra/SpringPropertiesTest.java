package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SpringPropertiesTest {

    @Test
    void propertiesUseTheNamesSpringBoot4Reads() {
        Infrastructure infra = new Infrastructure() {
            @Override public String kafkaBootstrapServers() { return "127.0.0.1:1"; }
            @Override public String redisHost() { return "127.0.0.1"; }
            @Override public int redisPort() { return 2; }
            @Override public String mongoUri() { return "mongodb://127.0.0.1:3"; }
            @Override public String smtpHost() { return "127.0.0.1"; }
            @Override public int smtpPort() { return 4; }
            @Override public Map<String, String> springProperties() { return SpringProperties.of(this); }
            @Override public void close() { }
        };

        assertThat(infra.springProperties()).containsExactly(
                entry("chat.kafka.bootstrap-servers", "127.0.0.1:1"),
                entry("spring.data.redis.host", "127.0.0.1"),
                entry("spring.data.redis.port", "2"),
                entry("spring.mongodb.uri", "mongodb://127.0.0.1:3"),
                entry("spring.mail.host", "127.0.0.1"),
                entry("spring.mail.port", "4"));
    }
}
