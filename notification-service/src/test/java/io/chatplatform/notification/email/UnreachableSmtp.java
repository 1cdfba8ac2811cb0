package io.chatplatform.notification.email;

import java.io.IOException;
import java.net.ServerSocket;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** A mail sender pointed at a local port nothing listens on: every send fails to connect. */
final class UnreachableSmtp {

    private UnreachableSmtp() {
    }

    static JavaMailSenderImpl sender() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        JavaMailSenderImpl smtp = new JavaMailSenderImpl();
        smtp.setHost("127.0.0.1");
        smtp.setPort(closedPort);
        return smtp;
    }
}
