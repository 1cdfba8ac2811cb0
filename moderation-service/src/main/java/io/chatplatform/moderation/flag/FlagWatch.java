package io.chatplatform.moderation.flag;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Flag changes made by this instance, for {@code WatchFlags} streams. A slow watcher misses changes rather than
 * holding up checks (best effort: {@code ListFlags} is the record).
 */
@Component
public class FlagWatch {

    private final Sinks.Many<StoredFlag> changes = Sinks.many().multicast().directBestEffort();

    void changed(StoredFlag flag) {
        // Serialized: flags change on many threads at once, and a sink refuses concurrent emissions.
        synchronized (changes) {
            changes.tryEmitNext(flag);
        }
    }

    /** Changes from now on, until the subscriber cancels. */
    public Flux<StoredFlag> changes() {
        return changes.asFlux();
    }
}
