package io.chatplatform.support.autoconfigure;

import io.chatplatform.support.jwt.JwksTokenVerifier;
import io.chatplatform.support.jwt.JwtProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@link JwksTokenVerifier} when {@code chat.jwt.jwks-uri} is set. The JWKS is fetched on the first verification,
 * not at startup, so services can start before the auth service. Uses the application's {@link WebClient.Builder}
 * when there is one (observability, codecs), else a plain one.
 */
@AutoConfiguration(afterName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnProperty(prefix = "chat.jwt", name = "jwks-uri")
@EnableConfigurationProperties(JwtProperties.class)
public class JwtVerifierAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JwksTokenVerifier jwksTokenVerifier(JwtProperties properties, ObjectProvider<WebClient.Builder> builders) {
        WebClient webClient = builders.getIfAvailable(WebClient::builder)
                .build();
        return new JwksTokenVerifier(properties, webClient);
    }
}
