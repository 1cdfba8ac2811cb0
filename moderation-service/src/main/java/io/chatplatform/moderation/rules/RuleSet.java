package io.chatplatform.moderation.rules;

import io.chatplatform.moderation.ModerationProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The active rules, compiled, in memory. Re-read from MongoDB every {@code chat.moderation.rules-refresh} and at
 * once after a change through this instance, so a rule added, changed or removed on any instance applies on every
 * instance without a restart.
 */
@Component
public class RuleSet implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuleSet.class);

    private final RuleStore store;
    private final ModerationProperties properties;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile List<CompiledRule> rules;
    private volatile Disposable refreshing;

    RuleSet(RuleStore store, ModerationProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    /** The rules as last loaded; loads them first if that has not happened yet. */
    public Mono<List<CompiledRule>> current() {
        List<CompiledRule> loaded = rules;
        return loaded != null ? Mono.just(loaded) : reload();
    }

    /** Reads every rule from MongoDB and makes the result current. */
    public Mono<List<CompiledRule>> reload() {
        return store.all()
                .collectList()
                .map(RuleSet::compileAll)
                .doOnNext(compiled -> rules = compiled);
    }

    /**
     * Rules were validated when saved, so one that no longer compiles was written around the API: it is skipped
     * (logged) rather than failing every check.
     */
    private static List<CompiledRule> compileAll(List<StoredRule> stored) {
        List<CompiledRule> compiled = new ArrayList<>(stored.size());
        for (StoredRule rule : stored) {
            try {
                compiled.add(CompiledRule.compile(rule));
            } catch (RuntimeException e) {
                log.warn("Skipping rule {} ({}): {}", rule.id(), rule.name(), e.getMessage());
            }
        }
        return List.copyOf(compiled);
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        refreshing = Flux.interval(java.time.Duration.ZERO, properties.rulesRefresh())
                .onBackpressureDrop()
                .concatMap(tick -> reload()
                        // Keeps the last good rules when MongoDB does not answer: fail with stale rules, not none.
                        .onErrorResume(error -> {
                            log.warn("Reloading the rules failed; keeping the previous ones: {}", error.toString());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && refreshing != null) {
            refreshing.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
