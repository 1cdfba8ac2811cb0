package io.chatplatform.infra;

import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

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
            backend = new MemoryBackend();
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            backend = new H2Backend(file.toAbsolutePath().toString());
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
}
