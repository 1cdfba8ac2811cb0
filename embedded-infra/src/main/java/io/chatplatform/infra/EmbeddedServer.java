package io.chatplatform.infra;

/** One server that {@link EmbeddedInfrastructure} starts and stops. */
interface EmbeddedServer extends AutoCloseable {

    /** Name used in log lines and error messages. */
    String name();

    /** Returns once the server accepts connections. */
    void start() throws Exception;

    /** Stops the server and waits for it; does nothing if it never started. */
    @Override
    void close();
}
