package io.chatplatform.notification.routing;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Messages that were hidden by moderation or deleted ({@code retracted_messages}, by message id): a notification
 * about one that is still waiting is dropped.
 */
@Component
class RetractedMessages {

    private final ReactiveMongoTemplate mongo;

    RetractedMessages(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    @Document("retracted_messages")
    record Retracted(@Id String messageId, String reason, Instant at) {
    }

    Mono<Void> retract(String messageId, String reason, Instant at) {
        return mongo.save(new Retracted(messageId, reason, at)).then();
    }

    Mono<Boolean> isRetracted(String messageId) {
        return mongo.findById(messageId, Retracted.class).hasElement();
    }
}
