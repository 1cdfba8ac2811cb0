package io.chatplatform.infra;

import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/** mongo-java-server speaking the MongoDB wire protocol, in memory or on an H2 MVStore file. */
final class MongoWireServer implements EmbeddedServer {

    private final String host;
    private final int port;
    private final Path file;
    private MongoServer server;

    /** @param file the H2 MVStore file that keeps the data, or null to keep it in memory */
    MongoWireServer(String host, int port, Path file) {
        this.host = host;
        this.port = port;
        this.file = file;
    }

    @Override
    public String name() {
        return "MongoDB";
    }

    @Override
    public void start() throws Exception {
        MongoBackend backend;
        if (file == null) {
            backend = new HelloAwareMemoryBackend();
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            backend = new HelloAwareH2Backend(file.toAbsolutePath().toString());
        }
        MongoServer mongoServer = new MongoServer(backend);
        // Change streams read the oplog; without it, watch() fails.
        mongoServer.enableOplog();
        try {
            mongoServer.bind(host, port);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        server = mongoServer;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        // Also closes the backend, which writes the H2 file.
        server.shutdownNow();
        server = null;
    }

    @Override
    public String toString() {
        return "MongoDB " + host + ":" + port + (file == null ? " (in memory)" : " (data " + file + ")");
    }

    /**
     * MongoDB 5 renamed {@code isMaster} to {@code hello}; mongo-java-server 1.47 answers only the old name on a
     * database, and Spring Boot's Mongo health check sends {@code {hello: 1}}. Same answer, new name.
     */
    static String legacyCommandName(String command) {
        return "hello".equalsIgnoreCase(command) ? "isMaster" : command;
    }

    private static final class HelloAwareMemoryBackend extends MemoryBackend {

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            return super.handleCommand(channel, databaseName, legacyCommandName(command), query);
        }
    }

    private static final class HelloAwareH2Backend extends H2Backend {

        HelloAwareH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            return super.handleCommand(channel, databaseName, legacyCommandName(command), query);
        }
    }
}
