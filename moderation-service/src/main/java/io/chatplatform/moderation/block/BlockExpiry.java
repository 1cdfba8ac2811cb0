package io.chatplatform.moderation.block;

import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.moderation.ModerationProperties;
import io.chatplatform.moderation.events.ModerationEvents;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Lifts timed blocks when they run out: a scheduled reactive job (MongoDB's TTL indexes would only delete the record,
 * not unblock the account). Every instance runs it; unblocking twice is harmless.
 */
@Component
class BlockExpiry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BlockExpiry.class);
    private static final Actor SYSTEM = Actor.newBuilder()
            .setKind(ActorKind.ACTOR_KIND_SYSTEM)
            .setService(ModerationEvents.PRODUCER)
            .build();

    private final BlockService blocks;
    private final ModerationProperties properties;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Disposable job;

    BlockExpiry(BlockService blocks, ModerationProperties properties) {
        this.blocks = blocks;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        job = Flux.interval(properties.blockExpiryInterval())
                .onBackpressureDrop()
                .concatMap(tick -> liftExpired()
                        .onErrorResume(error -> {
                            // The block stays until the next pass: late, never lost.
                            log.warn("Lifting expired blocks failed; retrying on the next pass: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    Mono<Void> liftExpired() {
        return blocks.expired()
                .concatMap(block -> blocks.unblock(block.userId(), "block expired", SYSTEM)
                        .doOnNext(wasBlocked -> log.info("Timed block of {} ended", block.userId())))
                .then();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && job != null) {
            job.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
