package io.chatplatform.infra;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets the embedded servers block on their own threads when a test JVM installs BlockHound.
 *
 * <p>mongo-java-server is a Netty server whose backends take locks and (H2) write files while handling a request.
 * Version 1.47 runs its event loops on plain threads, which BlockHound does not watch; were they Netty
 * {@code FastThreadLocalThread}s, Netty's own integration would mark them non-blocking and every such call would fail
 * the request. Blocking there is the server's business, not that of the service under test, so it is allowed in the
 * request handler. Kafka's broker threads, GreenMail's threads and the Redis process are not event-loop threads and
 * need nothing.
 */
public final class InfraBlockHoundIntegration implements BlockHoundIntegration {

    private static final String MONGO_HANDLER = "de.bwaldvogel.mongo.wire.MongoDatabaseHandler";

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(MONGO_HANDLER, "channelRead0")
                .allowBlockingCallsInside(MONGO_HANDLER, "channelActive")
                .allowBlockingCallsInside(MONGO_HANDLER, "channelInactive");
    }
}
