package io.chatplatform.moderation;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Asynchronous moderation checks, flags, verdicts, user blocking and the ModerationAdmin gRPC API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ModerationServiceApplication {

    /** Configuration file base name; distinct per service so all services can share one classpath in standalone. */
    public static final String CONFIG_NAME = "moderation-service";

    /** The builder both {@link #main} and the standalone launcher use, so both start the same wiring. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ModerationServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
