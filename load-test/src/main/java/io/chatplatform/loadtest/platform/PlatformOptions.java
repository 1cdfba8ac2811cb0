package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.DurationConverter;
import io.chatplatform.loadtest.HostPort;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the platform runs and how the load generator reaches it: the options every platform scenario shares. */
public final class PlatformOptions {

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL",
            description = "REST base URL: the gateway, where users register and log in (default: ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--chat-api", paramLabel = "URL",
            description = "REST base URL for rooms, DMs and history, e.g. chat-service directly "
                    + "(http://127.0.0.1:8082) to leave the gateway out of history reads (default: --api)")
    URI chatApi;

    @Option(names = "--ws", defaultValue = "ws://127.0.0.1:8083/ws", paramLabel = "URL",
            description = "WebSocket URL: websocket-service directly, or the gateway's /ws (default: ${DEFAULT-VALUE})")
    URI ws;

    @Option(names = "--origin", defaultValue = "http://localhost:8080",
            description = "Origin header of the WebSocket handshake; must be allowed (default: ${DEFAULT-VALUE})")
    String origin;

    @Option(names = "--source-addresses", defaultValue = "8", paramLabel = "COUNT",
            description = "WebSocket clients bind to 127.0.0.1 .. 127.0.0.COUNT in turn, each with its own ~28,000 "
                    + "ephemeral ports (default: ${DEFAULT-VALUE})")
    int sourceAddresses;

    @Option(names = "--connect-concurrency", defaultValue = "64",
            description = "WebSocket handshakes and auths in flight while connecting (default: ${DEFAULT-VALUE})")
    int connectConcurrency;

    @Option(names = "--setup-concurrency", defaultValue = "4",
            description = "registrations and logins in flight; each costs the server a BCrypt hash "
                    + "(default: ${DEFAULT-VALUE})")
    int setupConcurrency;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "process whose RSS is sampled (default: the process listening on the --ws port, "
                    + "found in /proc)")
    Long serverPid;

    @Option(names = "--actuator", defaultValue = "http://127.0.0.1:8083", paramLabel = "URL",
            description = "base URL of a service's actuator, for its JVM heap (default: ${DEFAULT-VALUE}, "
                    + "websocket-service; in standalone every service shares that JVM)")
    URI actuator;

    @Option(names = "--redis", defaultValue = "127.0.0.1:26379", converter = HostPort.Converter.class,
            paramLabel = "HOST:PORT", description = "the platform's Redis, for the PUBLISH baseline "
                    + "(default: ${DEFAULT-VALUE}, standalone's)")
    HostPort redis;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also measure the bare Netty broadcast and Redis PUBLISH baselines (default: on)")
    boolean baselines;

    @Option(names = "--baseline-step", defaultValue = "5s", converter = DurationConverter.class,
            description = "measured time of each step of the bare broadcast baseline's highest-rate search "
                    + "(default: ${DEFAULT-VALUE})")
    Duration baselineStep;

    @Option(names = "--baseline-steps", defaultValue = "8",
            description = "at most this many doublings of the rate in that search (default: ${DEFAULT-VALUE})")
    int baselineSteps;

    @Option(names = "--json", paramLabel = "FILE",
            description = "where to write the results as JSON (default: load-test-<scenario>.json)")
    Path json;

    @Option(names = "--drain", defaultValue = "10s", converter = DurationConverter.class,
            description = "after sending stops, how long to wait for outstanding acks and deliveries before "
                    + "counting losses (default: ${DEFAULT-VALUE})")
    Duration drain;

    @Option(names = "--late-wait", defaultValue = "60s", converter = DurationConverter.class,
            description = "after the drain, how long deliveries still missing are waited for while they keep arriving "
                    + "(none for 15 s ends the wait); those that arrive count as late, the rest as lost (default: "
                    + "${DEFAULT-VALUE})")
    Duration lateWait;

    URI chatApi() {
        return chatApi != null ? chatApi : api;
    }

    /** The source addresses to bind, in turn. */
    List<InetAddress> sourceAddressList() {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 1; i <= sourceAddresses; i++) {
            try {
                addresses.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return addresses;
    }

    void validate(List<String> problems) {
        if (sourceAddresses < 1 || sourceAddresses > 254) {
            problems.add("--source-addresses must be 1..254");
        }
        if (connectConcurrency < 1 || setupConcurrency < 1 || baselineSteps < 1) {
            problems.add("--connect-concurrency, --setup-concurrency and --baseline-steps must be positive");
        }
        if (drain.isNegative() || lateWait.isNegative()) {
            problems.add("--drain and --late-wait must not be negative");
        }
        if (!"ws".equals(ws.getScheme()) && !"wss".equals(ws.getScheme())) {
            problems.add("--ws must be a ws:// or wss:// URL");
        }
    }
}
