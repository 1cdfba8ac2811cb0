package io.chatplatform.loadtest.platform;

import io.chatplatform.loadtest.HostPort;
import io.chatplatform.loadtest.measure.LatencySummary;
import io.chatplatform.loadtest.measure.OpenLoopSchedule;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * The DM path's baseline: a bare Redis {@code PUBLISH} to a channel this process subscribes to, at a fixed rate (open
 * model), timed from due time to arrival. The platform's DM latency crosses Redis once; this is that crossing alone.
 */
final class RedisPublishBaseline {

    private RedisPublishBaseline() {
    }

    /** Publishes at {@code rate} for {@code warmUp + measured}; figures of the measured part. */
    static Map<String, Object> run(HostPort redis, double rate, Duration warmUp, Duration measured, Duration drain)
            throws InterruptedException {
        RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        String channel = "load-test-baseline-" + UUID.randomUUID();
        Recorder latency = new Recorder(Traffic.HIGHEST_MICROS, 3);
        LongAdder received = new LongAdder();
        LongAdder sent = new LongAdder();
        try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
             StatefulRedisConnection<String, String> publisher = client.connect()) {
            // The window is fixed before the listener exists, so its thread sees it; the first due times pass
            // while subscribing, which only shortens the (unmeasured) warm-up.
            long start = System.nanoTime();
            long measureStart = start + warmUp.toNanos();
            long measureEnd = measureStart + measured.toNanos();
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    long now = System.nanoTime();
                    long due = Long.parseLong(message);
                    received.increment();
                    if (due >= measureStart && due < measureEnd) {
                        latency.recordValue(Traffic.micros(now - due));
                    }
                }
            });
            subscriber.sync().subscribe(channel);
            OpenLoopSchedule schedule = new OpenLoopSchedule(start, rate, warmUp.toNanos() / 2);
            for (long i = 0; ; i++) {
                long due = schedule.intendedTime(i);
                if (due >= measureEnd) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                publisher.async().publish(channel, Long.toString(due));
                sent.increment();
            }
            long drainEnd = System.nanoTime() + drain.toNanos();
            while (received.sum() < sent.sum() && System.nanoTime() < drainEnd) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("phase", "redis-publish");
            figures.put("targetPublishesPerSecond", rate);
            figures.put("published", sent.sum());
            figures.put("received", received.sum());
            figures.put("roundTripMicros", LatencySummary.of(latency.getIntervalHistogram()));
            return figures;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
