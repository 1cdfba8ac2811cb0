package io.chatplatform.notification;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** WebPush and email notifications: subscriptions, preferences, dedupe, retry and dead letters. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NotificationServiceApplication {

    /** Configuration file base name; distinct per service so all services can share one classpath in standalone. */
    public static final String CONFIG_NAME = "notification-service";

    /** The builder both {@link #main} and the standalone launcher use, so both start the same wiring. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(NotificationServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
