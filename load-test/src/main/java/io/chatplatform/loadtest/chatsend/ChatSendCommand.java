package io.chatplatform.loadtest.chatsend;

import io.chatplatform.loadtest.DurationConverter;
import io.chatplatform.loadtest.HostPort;
import io.chatplatform.loadtest.measure.PhaseResult;
import io.chatplatform.loadtest.measure.ReportTable;
import io.chatplatform.loadtest.server.InProcessChatService;
import io.chatplatform.loadtest.server.TokenIssuer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code chat-send} scenario: sustained persisted sends into one chat-service over gRPC SendMessage (the path
 * websocket-service uses), at fixed rates, with store latency percentiles and a gap-free check of every room's seq.
 */
@Command(name = "chat-send", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sustained SendMessage load on one chat-service: latency from due time to the stored-ack, "
                + "per target rate, then a check that every room's seq is gap-free.",
                "Without --target it starts embedded Kafka, Redis, MongoDB and chat-service in this JVM."})
public final class ChatSendCommand implements Callable<Integer> {

    @Option(names = "--rate", split = ",", defaultValue = "5000", paramLabel = "MSG_PER_S",
            description = "target sends per second; a comma-separated list runs a sweep, one phase per rate "
                    + "(default: ${DEFAULT-VALUE})")
    List<Integer> rates;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "measured time per rate (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warm-up", defaultValue = "15s", converter = DurationConverter.class,
            description = "unmeasured sending before each measured phase: the rate ramps up from 0 over its first half "
                    + "and holds over the second (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--rooms", defaultValue = "100", description = "rooms to send into (default: ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--users", defaultValue = "1000",
            description = "senders, spread evenly over the rooms; each send picks one at random (default: ${DEFAULT-VALUE})")
    int users;

    @Option(names = "--max-in-flight", defaultValue = "1000",
            description = "concurrency limit: sends awaiting their answer (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    @Option(names = "--connections", defaultValue = "2",
            description = "gRPC connections the sends are spread over (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--text-size", defaultValue = "100", description = "characters per message (default: ${DEFAULT-VALUE})")
    int textSize;

    @Option(names = "--deadline", defaultValue = "10s", converter = DurationConverter.class,
            description = "gRPC deadline of each send (default: ${DEFAULT-VALUE})")
    Duration deadline;

    @Option(names = "--target", converter = HostPort.Converter.class, paramLabel = "HOST:GRPC_PORT",
            description = "a running chat-service's gRPC address (e.g. from serve-chat); default: start one in this JVM")
    HostPort target;

    @Option(names = "--http", converter = HostPort.Converter.class, paramLabel = "HOST:HTTP_PORT",
            description = "the running chat-service's REST address, where the rooms are created (with --target)")
    HostPort http;

    @Option(names = "--jwks-listen", converter = HostPort.Converter.class, paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:18099",
            description = "with --target: where to serve the JWKS that chat-service checks the tokens against "
                    + "(default: ${DEFAULT-VALUE}, what serve-chat expects)")
    HostPort jwksListen;

    @Option(names = "--chat-property", paramLabel = "KEY=VALUE",
            description = "extra property for the in-process chat-service, repeatable")
    Map<String, String> chatProperties = new LinkedHashMap<>();

    @Option(names = "--settle", defaultValue = "60s", converter = DurationConverter.class,
            description = "in-process only: after each rate, wait up to this long for the outbox relay to publish "
                    + "every stored message before the next rate (default: ${DEFAULT-VALUE})")
    Duration settle;

    @Option(names = "--report-every", defaultValue = "5s", converter = DurationConverter.class,
            description = "progress line interval (default: ${DEFAULT-VALUE})")
    Duration reportEvery;

    @Option(names = "--seed", defaultValue = "1", description = "random seed for picking senders (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintStream out = System.out;
        InProcessChatService inProcess = null;
        TokenIssuer tokens = null;
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            HostPort grpc;
            HostPort rest;
            if (target == null) {
                tokens = TokenIssuer.serve("127.0.0.1", 0);
                out.println("Starting embedded Kafka, Redis, MongoDB and chat-service in this JVM ...");
                inProcess = InProcessChatService.start("127.0.0.1", 0, 0, tokens.jwksUri(), chatProperties);
                grpc = new HostPort("127.0.0.1", inProcess.grpcPort());
                rest = new HostPort("127.0.0.1", inProcess.httpPort());
            } else {
                tokens = TokenIssuer.serve(jwksListen.host(), jwksListen.port());
                grpc = target;
                rest = http;
            }
            out.printf("chat-service: gRPC %s, REST %s%n", grpc, rest);
            for (int i = 0; i < connections; i++) {
                channels.add(NettyChannelBuilder.forAddress(grpc.host(), grpc.port())
                        .usePlaintext()
                        // Answers are only counted and recorded: no need to hop to another thread for that.
                        .directExecutor()
                        .build());
            }
            return run(out, tokens, inProcess, rest, channels);
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
            if (inProcess != null) {
                inProcess.close();
            }
            if (tokens != null) {
                tokens.close();
            }
        }
    }

    private int run(PrintStream out, TokenIssuer tokens, InProcessChatService inProcess, HostPort rest,
                    List<ManagedChannel> channels) throws InterruptedException {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        long setupStart = System.nanoTime();
        Workload workload = new RoomSetup("http://" + rest, tokens, Workload.ownerId(runId))
                .create(runId, rooms, users, Workload.text(textSize));
        out.printf("Created %,d rooms with %,d senders in %,d ms (run %s)%n", rooms, users,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setupStart), runId);
        SeqLedger ledger = new SeqLedger(rooms);
        SendDriver driver = new SendDriver(channels, workload, ledger, maxInFlight, deadline, seed);
        List<PhaseResult> results = new ArrayList<>();
        for (int rate : rates) {
            out.printf("%nRate %,d msg/s: %s warm-up, %s measured%n", rate, human(warmUp), human(duration));
            PhaseResult result = driver.run(rate, warmUp, duration, reportEvery, out);
            results.add(result);
            out.println(ReportTable.line(result));
            if (inProcess != null) {
                settleOutbox(out, inProcess);
            }
        }
        out.printf("%nchat-send: %,d rooms, %,d senders, %d-character texts, %s warm-up + %s measured per rate, "
                        + "max %,d in flight over %d connection(s)%n%n",
                rooms, users, textSize, human(warmUp), human(duration), maxInFlight, connections);
        out.print(ReportTable.markdown(results));
        PersistenceCheck.Outcome outcome = new PersistenceCheck(channels.get(0), workload, ledger).run();
        out.println();
        out.println(outcome.describe());
        return outcome.passed() ? 0 : 1;
    }

    /** Reports the relay's backlog and waits for it to drain, so the next rate starts from a clean state. */
    private void settleOutbox(PrintStream out, InProcessChatService chat) throws InterruptedException {
        long started = System.nanoTime();
        long backlog = chat.pendingOutbox();
        out.printf("  outbox backlog when the phase ended: %,d messages%n", backlog);
        long deadlineNanos = started + settle.toNanos();
        while (backlog > 0 && System.nanoTime() < deadlineNanos) {
            TimeUnit.MILLISECONDS.sleep(500);
            backlog = chat.pendingOutbox();
        }
        out.printf(Locale.ROOT, "  outbox %s after %.1f s%n", backlog == 0 ? "drained" : backlog + " still pending",
                (System.nanoTime() - started) / 1e9);
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (rates.isEmpty() || rates.stream().anyMatch(rate -> rate <= 0)) {
            problems.add("--rate must be positive");
        }
        if (rooms < 1 || users < rooms) {
            problems.add("need --rooms >= 1 and --users >= --rooms");
        }
        if (maxInFlight < 1 || connections < 1 || textSize < 1) {
            problems.add("--max-in-flight, --connections and --text-size must be positive");
        }
        if (duration.isZero() || duration.isNegative() || warmUp.isNegative()) {
            problems.add("--duration must be positive and --warm-up not negative");
        }
        if (target != null && http == null) {
            problems.add("--target needs --http (the same chat-service's REST address, to create the rooms)");
        }
        if (target == null && http != null) {
            problems.add("--http only goes with --target");
        }
        if (!problems.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    String.join("; ", problems));
        }
    }

    private static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
