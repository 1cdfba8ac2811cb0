package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.measure.LatencySummary;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The load's users and their WebSocket connections: users are registered and logged in first (a setup phase, not
 * measured), then connections open at a bounded concurrency, connection {@code i} for user {@code i % users}, each
 * bound to the next source address in turn.
 */
final class Fleet implements AutoCloseable {

    private static final long HIGHEST_MICROS = Duration.ofMinutes(5).toNanos() / 1000;

    final List<Api.Session> users;
    final List<WsClient> clients = Collections.synchronizedList(new ArrayList<>());
    private final List<List<WsClient>> byUser;

    /** How connecting went. */
    record ConnectResult(int opened, long failed, double seconds, LatencySummary latency) {
        double perSecond() {
            return seconds <= 0 ? 0 : opened / seconds;
        }
    }

    private Fleet(List<Api.Session> users) {
        this.users = users;
        this.byUser = new ArrayList<>();
        users.forEach(user -> byUser.add(Collections.synchronizedList(new ArrayList<>())));
    }

    /** Registers (or finds) and logs in {@code count} users named {@code prefix-0 ..}. */
    static Fleet createUsers(Api api, String prefix, int count, int concurrency, PrintStream out) {
        long start = System.nanoTime();
        String password = "load-test password " + prefix;
        List<Api.Session> sessions = Flux.range(0, count)
                .flatMapSequential(i -> api.registerAndLogin(prefix + "-" + i, password), concurrency)
                .collectList()
                .block();
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "Setup: %,d users registered and logged in in %.1f s (%,d waits for a rate limit)%n",
                count, seconds, api.rateLimitWaits());
        return new Fleet(sessions);
    }

    /** A fleet of users that exist already (or, for the bare baseline, need not exist). */
    static Fleet of(List<Api.Session> users) {
        return new Fleet(users);
    }

    /** Opens {@code count} connections to {@code --ws}; failures are counted, not fatal. */
    ConnectResult connect(PlatformOptions options, int count, WsClient.Listener listener, PrintStream out) {
        return connect(options, options.ws, count, listener, out);
    }

    /** Opens {@code count} more connections to {@code uri}, spread over all users in turn. */
    ConnectResult connect(PlatformOptions options, URI uri, int count, WsClient.Listener listener, PrintStream out) {
        return connect(options, uri, 0, users.size(), count, listener, out);
    }

    /** Opens {@code count} more connections to {@code uri} for users {@code firstUser ..} in turn. */
    ConnectResult connect(PlatformOptions options, URI uri, int firstUser, int userCount, int count,
                          WsClient.Listener listener, PrintStream out) {
        List<HttpClient> sources = new ArrayList<>();
        for (InetAddress address : options.sourceAddressList()) {
            sources.add(HttpClient.create(ConnectionProvider.newConnection())
                    .bindAddress(() -> new InetSocketAddress(address, 0)));
        }
        Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
        AtomicLong failed = new AtomicLong();
        int first = clients.size();
        long start = System.nanoTime();
        Flux.range(first, count)
                .flatMap(i -> open(options, uri, sources.get(i % sources.size()), i,
                                firstUser + (i - first) % userCount, listener, latency, failed),
                        options.connectConcurrency)
                .doOnNext(this::add)
                .blockLast();
        double seconds = (System.nanoTime() - start) / 1e9;
        ConnectResult result = new ConnectResult(clients.size() - first, failed.get(), seconds,
                LatencySummary.of(latency));
        out.printf(Locale.ROOT, "Connected %,d WebSockets in %.1f s (%,.0f/s, %,d failed) over %d source addresses%n",
                result.opened(), seconds, result.perSecond(), result.failed(), sources.size());
        return result;
    }

    private Mono<WsClient> open(PlatformOptions options, URI uri, HttpClient source, int index, int userIndex,
                                WsClient.Listener listener, Histogram latency, AtomicLong failed) {
        long start = System.nanoTime();
        return WsClient.connect(source, uri, options.origin, index, userIndex, users.get(userIndex), listener)
                .doOnNext(client -> latency.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - start) / 1000)))
                .onErrorResume(e -> {
                    // Counted and reported; the run goes on with the connections that opened.
                    if (failed.incrementAndGet() <= 5) {
                        System.err.println("connection " + index + " failed: " + e);
                    }
                    return Mono.empty();
                });
    }

    private void add(WsClient client) {
        clients.add(client);
        byUser.get(client.userIndex).add(client);
    }

    /** The user's open connections. */
    List<WsClient> connectionsOf(int userIndex) {
        return byUser.get(userIndex);
    }

    /** Connections closed by the server so far. */
    long closedByServer() {
        return clients.stream().filter(client -> client.closeStatus() >= 0).count();
    }

    @Override
    public void close() {
        clients.forEach(WsClient::close);
    }
}
