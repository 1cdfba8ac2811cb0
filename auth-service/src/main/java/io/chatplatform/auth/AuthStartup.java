package io.chatplatform.auth;

import io.chatplatform.auth.account.AccountService;
import io.chatplatform.auth.events.AuthEvents;
import io.chatplatform.auth.session.SessionStore;
import io.chatplatform.auth.token.KeyRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Work at startup, in the background so the service starts even while MongoDB or Kafka are still coming up:
 * indexes, the first signing key, the {@code auth.events} topic and the configured admins.
 */
@Component
class AuthStartup {

    private static final Logger log = LoggerFactory.getLogger(AuthStartup.class);

    private final AccountService accounts;
    private final SessionStore sessions;
    private final KeyRing keyRing;
    private final AuthEvents events;

    AuthStartup(AccountService accounts, SessionStore sessions, KeyRing keyRing, AuthEvents events) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.keyRing = keyRing;
        this.events = events;
    }

    @EventListener(ApplicationReadyEvent.class)
    void prepare() {
        // One after the other: each creates its collection, and the embedded MongoDB server can hang when two
        // requests create collections of one database at the same moment.
        run("indexes, signing key and configured admins", accounts.indexesReady()
                .then(sessions.ensureIndexes())
                .then(keyRing.signingKey())
                .then(accounts.grantConfiguredAdmins())
                .then());
        // Publishing does not need it (brokers may auto-create), but the partition count should be ours.
        run("auth.events topic", events.ensureTopic());
    }

    /** Failures are logged, not fatal: each step is retried on first use (indexes, key) or is harmless to miss. */
    private static void run(String step, Mono<Void> work) {
        work.subscribe(
                ignored -> {
                },
                error -> log.warn("Startup step '{}' failed: {}", step, error.toString()),
                () -> log.debug("Startup step '{}' done", step));
    }
}
