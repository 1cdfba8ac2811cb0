package io.chatplatform.support.observability;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * A container health check that needs nothing but the service's own classpath (the images have no curl or shell):
 * exits 0 when the URL answers 200 within the timeout, 1 otherwise. docker/compose.yaml runs it as
 * {@code java -cp "/app/lib/*" io.chatplatform.support.observability.HealthCheck http://localhost:8081/actuator/health/readiness}.
 * Kubernetes does not need it: its probes call the actuator groups directly.
 */
public final class HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private HealthCheck() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HealthCheck URL");
            System.exit(2);
        }
        System.exit(isHealthy(URI.create(args[0]), TIMEOUT) ? 0 : 1);
    }

    /** True when the URL answers 200 within the timeout; any other status, an error or silence is unhealthy. */
    static boolean isHealthy(URI uri, Duration timeout) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("unhealthy: " + uri + ": " + e);
            return false;
        }
    }
}
