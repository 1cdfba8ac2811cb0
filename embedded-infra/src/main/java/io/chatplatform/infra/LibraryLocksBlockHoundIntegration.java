package io.chatplatform.infra;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allowances every service's integration tests need, kept here so they are not copied into each service (any test
 * with embedded-infra on its classpath gets them through {@code META-INF/services}).
 *
 * <p>Jackson builds a (de)serializer for a type once, under a short lock; two requests decoding a new type at the same
 * moment make one wait for the other, microseconds, once per type. That is not blocking I/O, so it is allowed here.
 * The MongoDB driver likewise guards each connection's read state with a short {@code ReentrantLock} on its Netty
 * threads, and the session's cluster clock with another ({@code withInterruptibleLock}) that concurrent replies
 * contend for. Spring Data Redis hands out its one shared Lettuce connection under a lock on every command; under
 * concurrent commands one thread waits for another's lookup (the connection itself is opened at startup, by
 * RedisEagerConnectionAutoConfiguration, never on an event loop), and Lettuce counts concurrent writers to that
 * connection with its own short lock ({@code SharedLock}). Spring Data's mapping context registers an entity type
 * under a write lock the first time it meets the type, so readers of other types wait for it, once per type; and the
 * MongoDB driver's session pool reads a few random bytes for the id of each new server session (a pool that grows
 * under concurrency), from the kernel's never-blocking random source. Netty's adaptive buffer allocator, when
 * concurrent allocations contend, adds magazines under a short write lock ({@code tryExpandMagazines}, seen on a
 * test's WebClient event loop; Netty's own BlockHound integration allows only its thread-local setup). (Without this, BlockHound's error thrown inside a lock's
 * wait queue leaves that lock unusable and every
 * later request hangs.)
 */
public class LibraryLocksBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                        "_createAndCacheValueDeserializer")
                .allowBlockingCallsInside("tools.jackson.databind.ser.SerializerCache", "addAndResolveNonTypedSerializer")
                .allowBlockingCallsInside("tools.jackson.databind.ser.SerializerCache", "addAndResolveTypedSerializer")
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "checkedWithLock")
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "withLock")
                .allowBlockingCallsInside("com.mongodb.internal.Locks", "withInterruptibleLock")
                .allowBlockingCallsInside("org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory",
                        "doInLock")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "decrementWriters")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "lockWritersExclusive")
                .allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "unlockWritersExclusive")
                .allowBlockingCallsInside("org.springframework.data.mapping.context.AbstractMappingContext",
                        "getPersistentEntity")
                .allowBlockingCallsInside("com.mongodb.internal.session.ServerSessionPool",
                        "createNewServerSessionIdentifier")
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup",
                        "tryExpandMagazines");
    }
}
