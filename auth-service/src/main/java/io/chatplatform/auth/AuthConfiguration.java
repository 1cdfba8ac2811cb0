package io.chatplatform.auth;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every feature package shares. */
@Configuration(proxyBeanMethods = false)
class AuthConfiguration {

    AuthConfiguration() {
        // Seed the random generator on the starting thread, not on the first request's event loop.
        OpaqueTokens.seed();
        // jjwt's registries seed a platform SecureRandom (a read of /dev/urandom) in static initializers: load them
        // here rather than on the event loop of the first request that verifies a token.
        io.jsonwebtoken.Jwts.parser();
        io.jsonwebtoken.Jwts.KEY.ECDH_ES.getId();
        io.jsonwebtoken.Jwts.SIG.ES256.getId();
        io.jsonwebtoken.Jwts.builder();
    }

    /** The one time source: token lifetimes, session timestamps and key retirement read it, so tests can move it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
