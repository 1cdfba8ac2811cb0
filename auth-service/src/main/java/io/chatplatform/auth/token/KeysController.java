package io.chatplatform.auth.token;

import io.chatplatform.auth.Problems;
import io.jsonwebtoken.security.Jwks;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /.well-known/jwks.json} (public) and {@code POST /api/auth/keys/rotate} (admins). */
@RestController
class KeysController {

    private final KeyRing keyRing;

    KeysController(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    @GetMapping(path = "/.well-known/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, Object>>> jwks() {
        return keyRing.publishedKeys()
                .map(KeysController::jwkSet)
                // Short cache: verifiers re-fetch on unknown kids anyway, and a removed key should vanish soon.
                .map(body -> ResponseEntity.ok()
                        .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)).cachePublic())
                        .body(body));
    }

    @PostMapping("/api/auth/keys/rotate")
    Mono<RotatedKey> rotate(@RequestAttribute(AuthenticatedUser.ATTRIBUTE) AuthenticatedUser caller) {
        if (!caller.isAdmin()) {
            return Mono.error(Problems.forbidden("Only admins may rotate signing keys."));
        }
        return keyRing.rotate()
                .map(key -> new RotatedKey(key.kid(), key.createdAt()));
    }

    private static Map<String, Object> jwkSet(List<SigningKey> keys) {
        List<Map<String, Object>> jwks = keys.stream()
                .map(key -> (Map<String, Object>) new LinkedHashMap<String, Object>(Jwks.builder()
                        .key(key.publicKey())
                        .id(key.kid())
                        .algorithm("ES256")
                        .publicKeyUse("sig")
                        .build()))
                .toList();
        return Map.of("keys", jwks);
    }

    /** The key that signs from now on. */
    record RotatedKey(String kid, Instant createdAt) {
    }
}
