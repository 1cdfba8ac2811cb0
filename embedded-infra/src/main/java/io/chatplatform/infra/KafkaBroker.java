package io.chatplatform.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A single-node Kafka in KRaft mode: one process that is both broker and controller. */
final class KafkaBroker implements EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final int NODE_ID = 1;

    private final String host;
    private final int port;
    private final int controllerPort;
    private final Path logDirectory;
    private KafkaRaftServer server;

    KafkaBroker(String host, int port, int controllerPort, Path logDirectory) {
        this.host = host;
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDirectory = logDirectory;
    }

    @Override
    public String name() {
        return "Kafka";
    }

    @Override
    public void start() throws Exception {
        Files.createDirectories(logDirectory);
        KafkaConfig config = KafkaConfig.fromProps(properties(), false);
        format(config);
        KafkaRaftServer raftServer = new KafkaRaftServer(config, Time.SYSTEM);
        // Assigned before startup so that close() also stops a broker whose startup failed half-way.
        server = raftServer;
        // Returns once the broker has caught up with the metadata log and is unfenced, i.e. accepts produce requests.
        raftServer.startup();
    }

    private Properties properties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // A static quorum: the voter set is not stored in the log, so a reused data directory may get new ports.
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDirectory.toAbsolutePath().toString());
        // One node: every internal topic has exactly one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        // Fewer internal partitions make the first consumer group and transaction start in milliseconds, not seconds.
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", "1");
        // Small thread pools: this broker shares a 2-core CI machine with the services under test.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("background.threads", "2");
        props.put("log.cleaner.threads", "1");
        return props;
    }

    private void format(KafkaConfig config) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String directory = logDirectory.toAbsolutePath().toString();
        new Formatter()
                .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
                .setNodeId(config.nodeId())
                .setClusterId(clusterId(directory))
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(directory)
                .setDirectories(List.of(directory))
                // A data directory from an earlier run keeps its topics.
                .setIgnoreFormatted(true)
                .run();
        log.debug("Kafka storage: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    /** The formatter verifies a formatted directory's cluster id even when told to ignore it, so it is reused. */
    private static String clusterId(String directory) throws IOException {
        return new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(directory))
                .addMetadataLogDir(directory)
                .load()
                .clusterId()
                .orElseGet(() -> Uuid.randomUuid().toString());
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    @Override
    public String toString() {
        return "Kafka " + host + ":" + port + " (controller " + controllerPort + ", data " + logDirectory + ")";
    }
}
