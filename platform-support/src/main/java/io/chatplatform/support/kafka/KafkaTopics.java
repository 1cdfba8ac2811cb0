package io.chatplatform.support.kafka;

import java.util.Collection;
import reactor.core.publisher.Mono;

/** Creates topics at startup; idempotent, so every instance of every service may call it. */
public interface KafkaTopics {

    /**
     * Creates the topics that do not exist yet; existing topics are left as they are (their partition count is not
     * changed), including ones another instance created concurrently.
     */
    Mono<Void> ensureTopics(Collection<TopicSpec> topics);
}
