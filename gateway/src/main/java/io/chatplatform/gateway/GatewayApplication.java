package io.chatplatform.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The single origin browsers talk to: REST under /api, the WebSocket at /ws, and the web client. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /** Configuration file base name; distinct per service so all services can share one classpath in standalone. */
    public static final String CONFIG_NAME = "gateway";

    /** The builder both {@link #main} and the standalone launcher use, so both start the same wiring. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
