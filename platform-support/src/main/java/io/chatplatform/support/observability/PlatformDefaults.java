package io.chatplatform.support.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * The operational conventions every service shares: actuator endpoints, Kubernetes probes, Prometheus,
 * RFC 9457 errors, graceful shutdown, structured JSON logs under the {@code json} profile, and trace context that
 * follows reactive chains.
 *
 * <p>Added as the lowest-precedence property source, so a service's own file, an environment variable or a
 * command-line argument always wins. Runs after config data is loaded, so active profiles are known.
 */
public class PlatformDefaults implements EnvironmentPostProcessor, Ordered {

    /** Name of the property source, visible in {@code /actuator/env}. */
    public static final String SOURCE_NAME = "chatPlatformDefaults";

    /** Profile that switches console logs to structured JSON (Elastic Common Schema), for log shippers. */
    public static final String JSON_LOGS_PROFILE = "json";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.show-components", "always");
        defaults.put("management.endpoint.health.show-details", "never");
        defaults.put("server.shutdown", "graceful");
        defaults.put("spring.lifecycle.timeout-per-shutdown-phase", "20s");
        defaults.put("spring.main.banner-mode", "off");
        // Trace context (and MDC) follows reactive chains across threads: REST, gRPC, and the events a request stores.
        defaults.put("spring.reactor.context-propagation", "auto");
        defaults.put("spring.webflux.problemdetails.enabled", "true");
        // Services are APIs; only the gateway serves the web client's static files.
        defaults.put("spring.web.resources.add-mappings", "false");
        if (environment.acceptsProfiles(Profiles.of(JSON_LOGS_PROFILE))) {
            defaults.put("logging.structured.format.console", "ecs");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
