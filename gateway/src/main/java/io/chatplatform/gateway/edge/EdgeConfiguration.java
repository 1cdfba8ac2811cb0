package io.chatplatform.gateway.edge;

import io.chatplatform.support.ratelimit.RedisRateLimiter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;

/** The edge filters, in the order they run: security headers, request size, per-IP rate limit. */
@Configuration(proxyBeanMethods = false)
class EdgeConfiguration {

    @Bean
    ForwardedHeaders forwardedHeaders(EdgeProperties edge) {
        return new ForwardedHeaders(edge.trustForwardedFor());
    }

    @Bean
    ProblemWriter edgeProblemWriter(ServerCodecConfigurer codecs) {
        return new ProblemWriter(codecs);
    }

    @Bean
    SecurityHeadersFilter securityHeadersFilter(EdgeProperties edge, ForwardedHeaders forwarded) {
        return new SecurityHeadersFilter(edge.securityHeaders(), forwarded);
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(EdgeProperties edge, ProblemWriter problems) {
        return new RequestSizeLimitFilter(edge.maxRequestSize().toBytes(), problems);
    }

    @Bean
    IpRateLimitFilter ipRateLimitFilter(RedisRateLimiter limiter, EdgeProperties edge, ForwardedHeaders forwarded,
            ProblemWriter problems) {
        return new IpRateLimitFilter(limiter, edge.rateLimit(), forwarded, problems);
    }

    @Bean
    ClientAddressHeadersFilter clientAddressHeadersFilter(ForwardedHeaders forwarded) {
        return new ClientAddressHeadersFilter(forwarded);
    }
}
