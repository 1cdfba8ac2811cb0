package io.chatplatform.websocket.connection;

import io.chatplatform.websocket.delivery.LocalConnections;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * On shutdown, before the web server drains, every connection is closed with 1012 (service restart): clients
 * reconnect, reach another instance, and resume. Without it they would hang until a timeout noticed the instance gone.
 */
@Component
class ConnectionDrain implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionDrain.class);
    static final int SERVICE_RESTART = 1012;

    private final LocalConnections connections;
    private final AtomicBoolean running = new AtomicBoolean();

    ConnectionDrain(LocalConnections connections) {
        this.connections = connections;
    }

    @Override
    public void start() {
        running.set(true);
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            var open = connections.all();
            open.forEach(connection -> connection.close(SERVICE_RESTART, "service restarting: reconnect and resume"));
            log.info("Closed {} connections for shutdown", open.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
