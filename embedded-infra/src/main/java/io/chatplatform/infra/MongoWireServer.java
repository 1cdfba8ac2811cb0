package io.chatplatform.infra;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * mongo-java-server speaking the MongoDB wire protocol, in memory or on an H2 MVStore file. Its unique indexes are
 * wrapped in {@link NarrowingIndex}, so a query that pins an index's keys uses the index even when it says more.
 */
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
        // No oplog: nothing on the platform watches a change stream, and mongo-java-server's oplog is an uncapped
        // collection that records every insert (with the whole document), update and delete a second time and never
        // trims, so it cost a second write per write and grew without bound, in memory or in the data file.
        MongoServer mongoServer = new MongoServer(backend);
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

    /** The commands whose answers carry stored documents: a query's results, or the document a findAndModify changed. */
    static boolean answersWithStoredDocuments(String command) {
        return "find".equalsIgnoreCase(command) || "findAndModify".equalsIgnoreCase(command);
    }

    private static final class HelloAwareMemoryBackend extends MemoryBackend {

        private final CompactDocuments compactDocuments = new CompactDocuments();

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            return super.handleCommand(channel, databaseName, legacyCommandName(command), query);
        }

        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {
                /**
                 * The memory backend answers a query with the stored documents themselves and encodes them after the
                 * collection's lock is released, while an update copies its result into the stored document in
                 * place: a read racing an update of the same document sent a torn document, or failed in the encoder
                 * with a ConcurrentModificationException (seen under load; the driver then dropped the connection).
                 * Answering with a copy made under the collection's lock (the one its reads and writes take) makes
                 * every answer a consistent snapshot, as MongoDB's are.
                 */
                @Override
                public Document handleCommand(Channel channel, String command, Document query,
                                              DatabaseResolver databaseResolver, Oplog oplog) {
                    MongoCollection<Integer> collection = answersWithStoredDocuments(command)
                            ? resolveCollection(String.valueOf(query.get(command)), false)
                            : null;
                    if (collection == null) {
                        return super.handleCommand(channel, command, query, databaseResolver, oplog);
                    }
                    synchronized (collection) {
                        return super.handleCommand(channel, command, query, databaseResolver, oplog).cloneDeeply();
                    }
                }

                @Override
                protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                                 List<IndexKey> keys, boolean sparse) {
                    return new NarrowingIndex<>(new PlainKeyUniqueIndex(indexName, keys, sparse), sparse);
                }

                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new UnsizedMemoryCollection(this, collectionName, options, cursorRegistry,
                            compactDocuments);
                }

                @Override
                protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName,
                                                                    List<IndexKey> keys, boolean sparse) {
                    return new EqualityIndex<>(indexName, keys, sparse);
                }
            };
        }
    }

    /**
     * A memory collection that does not add up its documents' BSON size. The memory backend encodes every inserted,
     * updated (old and new) and removed document to BSON only to keep that sum, which only {@code collStats} and
     * {@code validate} report (as 0 here) and nothing on the platform asks for: 3.5% of the samples of a profile of
     * message sends. Like the file backend's collections (see {@link HelloAwareH2Backend}), it serves a query with
     * the {@link CheapestIndex cheapest index} and matches {@code $in} lists of strings with a set
     * ({@link StringInLists}). It keeps each new document with shared field names ({@link CompactDocuments}).
     */
    static final class UnsizedMemoryCollection extends MemoryCollection {

        private final CompactDocuments compactDocuments;

        UnsizedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options,
                                CursorRegistry cursorRegistry, CompactDocuments compactDocuments) {
            super(database, collectionName, options, cursorRegistry);
            this.compactDocuments = compactDocuments;
        }

        /**
         * Keeps a compacted copy. The indexes take their keys from the document as it came, whose values equal the
         * copy's (the same objects, but for short strings, where the index may keep the decoded one).
         */
        @Override
        protected Integer addDocumentInternal(Document document) {
            return super.addDocumentInternal(compactDocuments.compact(document));
        }

        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        private final StringInLists stringInLists = new StringInLists(super::documentMatchesQuery);

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            return stringInLists.matches(document, query);
        }

        /** The cheapest index serves the query (see {@link CheapestIndex}), not the first one created. */
        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                             int batchSize, Document fieldSelector) {
            return CheapestIndex.serve(getIndexes(), query,
                    positions -> matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize,
                            fieldSelector),
                    () -> super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector));
        }
    }

    private static final class HelloAwareH2Backend extends H2Backend {

        HelloAwareH2Backend(String fileName) {
            super(fileName);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            // Also on reopening a file: the database constructor reloads the stored indexes through this method.
            return new H2Database(databaseName, getMvStore(), getCursorRegistry()) {
                /** As {@link H2Database}'s own (the same two maps, by the names it gives them), choosing indexes. */
                @Override
                protected MongoCollection<Object> openOrCreateCollection(String collectionName,
                                                                         CollectionOptions options) {
                    String namespace = getFullCollectionNamespace(collectionName);
                    return new H2Collection(this, collectionName, options,
                            getMvStore().openMap("databases." + namespace), getMvStore().openMap("meta." + namespace),
                            cursorRegistry) {
                        private final StringInLists stringInLists = new StringInLists(super::documentMatchesQuery);

                        @Override
                        protected boolean documentMatchesQuery(Document document, Document query) {
                            return stringInLists.matches(document, query);
                        }

                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip,
                                                             int limit, int batchSize, Document fieldSelector) {
                            return CheapestIndex.serve(getIndexes(), query,
                                    positions -> matchDocuments(query, positions, orderBy, numberToSkip, limit,
                                            batchSize, fieldSelector),
                                    () -> super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize,
                                            fieldSelector));
                        }
                    };
                }

                @Override
                protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                                                                List<IndexKey> keys, boolean sparse) {
                    return new NarrowingIndex<>(super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse),
                            sparse);
                }

                @Override
                protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName,
                                                                   List<IndexKey> keys, boolean sparse) {
                    return new EqualityIndex<>(indexName, keys, sparse);
                }
            };
        }

        @Override
        public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
            return super.handleCommand(channel, databaseName, legacyCommandName(command), query);
        }
    }
}
