package io.chatplatform.support.grpc;

import io.grpc.CallCredentials;
import io.grpc.ServerInterceptor;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * Service credentials between the platform's services: {@link ServiceAuthProperties} for every service that makes gRPC
 * calls (clients attach them with {@link ServiceCredentials#attach}), and the checking interceptor on every gRPC server.
 */
@AutoConfiguration
@ConditionalOnClass(CallCredentials.class)
@EnableConfigurationProperties(ServiceAuthProperties.class)
public class ServiceAuthAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ServiceAuthAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(GlobalServerInterceptor.class)
    static class ServerSide {

        @Bean
        @GlobalServerInterceptor
        ServerInterceptor serviceAuthInterceptor(ServiceAuthProperties properties) {
            if (!properties.enabled()) {
                log.warn("chat.service-auth.token is not set: internal gRPC services ({}) accept calls from anyone who "
                        + "can reach them. Set it in every deployment.", properties.protectedServices());
            }
            return new ServiceAuthInterceptor(properties.enabled() ? properties.token() : null,
                    Set.copyOf(properties.protectedServices()));
        }
    }
}
