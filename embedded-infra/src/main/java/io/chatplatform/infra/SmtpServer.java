package io.chatplatform.infra;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** GreenMail's SMTP server; received mails stay in memory for tests and the standalone mail page to read. */
final class SmtpServer implements EmbeddedServer {

    private final GreenMail greenMail;
    private final String address;
    private final int port;

    SmtpServer(String host, int port) {
        this.address = host + ":" + port;
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP));
    }

    int port() {
        return port;
    }

    GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public String name() {
        return "SMTP";
    }

    @Override
    public void start() {
        // Returns once the server socket accepts connections.
        greenMail.start();
    }

    @Override
    public void close() {
        if (greenMail.isRunning()) {
            greenMail.stop();
        }
    }

    @Override
    public String toString() {
        return "SMTP " + address;
    }
}
