package io.chatplatform.websocket;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The /ws endpoint: connections, fan-out, presence, typing, receipts and resume. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebSocketServiceApplication {

    /** Configuration file base name; distinct per service so all services can share one classpath in standalone. */
    public static final String CONFIG_NAME = "websocket-service";

    /** The builder both {@link #main} and the standalone launcher use, so both start the same wiring. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(WebSocketServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
