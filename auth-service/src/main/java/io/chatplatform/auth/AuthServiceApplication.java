package io.chatplatform.auth;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Accounts, passwords, tokens, sessions, profiles and account status. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AuthServiceApplication {

    /** Configuration file base name; distinct per service so all services can share one classpath in standalone. */
    public static final String CONFIG_NAME = "auth-service";

    /** The builder both {@link #main} and the standalone launcher use, so both start the same wiring. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(AuthServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
