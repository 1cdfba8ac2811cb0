package io.chatplatform.loadtest.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the system under test of {@code chat-send --target} in a JVM of its own: embedded Kafka, Redis and MongoDB
 * wire server plus one chat-service that trusts the load generator's tokens. Runs until Ctrl-C.
 */
@Command(name = "serve-chat", mixinStandardHelpOptions = true,
        description = {"Start embedded Kafka, Redis, MongoDB and one chat-service for chat-send --target.",
                "Its tokens are verified against the JWKS that chat-send serves (--jwks-uri); start chat-send with "
                        + "the matching --jwks-listen."})
public final class ServeChatCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--http-port", defaultValue = "18082", description = "chat-service REST port (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--grpc-port", defaultValue = "19092", description = "chat-service gRPC port (default: ${DEFAULT-VALUE})")
    int grpcPort;

    @Option(names = "--jwks-uri", defaultValue = "http://127.0.0.1:18099" + TokenIssuer.JWKS_PATH,
            description = "where chat-send serves its JWKS (default: ${DEFAULT-VALUE})")
    String jwksUri;

    @Option(names = "--chat-property", paramLabel = "KEY=VALUE",
            description = "extra chat-service property, repeatable (e.g. chat.chat-service.outbox.poll-interval=50ms)")
    Map<String, String> chatProperties = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        InProcessChatService chat = InProcessChatService.start(host, httpPort, grpcPort, jwksUri, chatProperties);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            chat.close();
            stopped.countDown();
        }, "serve-chat-shutdown"));
        System.out.printf("chat-service is up: gRPC %s:%d, REST http://%s:%d, tokens checked against %s%n"
                        + "Run: chat-send --target %s:%d --http %s:%d; Ctrl-C stops it.%n",
                host, chat.grpcPort(), host, chat.httpPort(), jwksUri, host, chat.grpcPort(), host, chat.httpPort());
        stopped.await();
        return 0;
    }
}
