package io.chatplatform.support.autoconfigure;

import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import io.chatplatform.support.jwt.RevokedTokens;
import io.chatplatform.support.jwt.SessionRevocations;
import io.chatplatform.support.kafka.KafkaSubscriber;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link JwksTokenVerifier} when {@code chat.jwt.jwks-uri} is set. The JWKS is fetched on the first verification,
 * not at startup, so services can start before the auth service. Uses the application's {@link WebClient.Builder}
 * when there is one (observability, codecs), else a plain one. In a service that consumes Kafka, tokens of sessions
 * auth-service revoked are refused too ({@link SessionRevocations}; {@code chat.jwt.revocations-enabled=false} turns
 * that off).
 */
@AutoConfiguration(after = KafkaSupportAutoConfiguration.class,
        afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.jwt", name = "jwks-uri")
@EnableConfigurationProperties(JwtProperties.class)
public class JwtVerifierAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JwksTokenVerifier jwksTokenVerifier(JwtProperties properties, ObjectProvider<WebClient.Builder> builders,
                                        ObjectProvider<RevokedTokens> revocations) {
        WebClient webClient = builders.getIfAvailable(WebClient::builder)
                .build();
        RevokedTokens revoked = revocations.getIfAvailable();
        return new JwksTokenVerifier(properties, webClient, Clock.systemUTC(),
                revoked == null ? token -> false : revoked::isRevoked);
    }

    /** Only where the event contracts are on the classpath (every service that consumes Kafka has them). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.chatplatform.contracts.events.EventEnvelope")
    @ConditionalOnBean(KafkaSubscriber.class)
    @ConditionalOnProperty(prefix = "chat.jwt", name = "revocations-enabled", matchIfMissing = true)
    static class Revocations {

        @Bean
        @ConditionalOnMissingBean(RevokedTokens.class)
        SessionRevocations sessionRevocations(KafkaSubscriber kafka, JwtProperties properties,
                                              Environment environment) {
            return new SessionRevocations(kafka, environment.getProperty("spring.application.name", "service"),
                    properties.revocationWindow(), Clock.systemUTC());
        }
    }
}
