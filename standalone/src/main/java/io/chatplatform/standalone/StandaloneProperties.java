package io.chatplatform.standalone;

import java.nio.file.Path;

/**
 * Everything the one-command platform lets a user change, bound from {@code --standalone.*} arguments,
 * {@code STANDALONE_*} environment variables or system properties.
 *
 * @param dataDir where Kafka, Redis and MongoDB keep their data between runs ({@code ./data} by default)
 * @param host    the address every server binds to; loopback so a laptop does not expose the platform
 * @param ports   one port per server; 0 picks a free one
 * @param mongoInMemory keep MongoDB's data in memory instead of {@code dataDir} (lost at exit); for benchmarks, whose
 *                figures would otherwise be the on-disk embedded backend's, which serializes each collection
 * @param serviceToken the credentials the services present to each other over gRPC; made up at start unless set, and
 *                set only to start a service of the platform in a process of its own next to it (a second
 *                websocket-service, say, or one measured alone), which must present the same token
 */
public record StandaloneProperties(Path dataDir, String host, Ports ports, boolean mongoInMemory, String serviceToken) {

    public StandaloneProperties {
        dataDir = dataDir != null ? dataDir : Path.of("data");
        host = host != null ? host : "127.0.0.1";
        ports = ports != null ? ports : new Ports(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /**
     * Ports of every server the platform runs; unset ones take the defaults below. Infrastructure uses
     * uncommon ports so a Kafka, Redis or MongoDB already running on the laptop is left alone.
     */
    public record Ports(
            Integer gateway,
            Integer auth,
            Integer chat,
            Integer websocket,
            Integer moderation,
            Integer notification,
            Integer authGrpc,
            Integer chatGrpc,
            Integer moderationGrpc,
            Integer kafka,
            Integer kafkaController,
            Integer redis,
            Integer mongo,
            Integer smtp) {

        public Ports {
            gateway = orDefault(gateway, 8080);
            auth = orDefault(auth, 8081);
            chat = orDefault(chat, 8082);
            websocket = orDefault(websocket, 8083);
            moderation = orDefault(moderation, 8084);
            notification = orDefault(notification, 8085);
            authGrpc = orDefault(authGrpc, 9091);
            chatGrpc = orDefault(chatGrpc, 9092);
            moderationGrpc = orDefault(moderationGrpc, 9093);
            kafka = orDefault(kafka, 29092);
            kafkaController = orDefault(kafkaController, 29093);
            redis = orDefault(redis, 26379);
            mongo = orDefault(mongo, 27027);
            smtp = orDefault(smtp, 2525);
        }

        private static Integer orDefault(Integer value, int fallback) {
            return value != null ? value : fallback;
        }
    }
}
