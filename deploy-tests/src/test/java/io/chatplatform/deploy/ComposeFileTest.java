package io.chatplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker/compose.yaml as Docker Compose reads it (anchors and merge keys resolved). */
@SuppressWarnings("unchecked")
class ComposeFileTest {

    private static final Set<String> INFRASTRUCTURE = Set.of("mongo", "kafka", "redis", "mailpit");
    /** Each service with its HTTP port, the one its health check asks. */
    private static final Map<String, Integer> SERVICES = Map.of(
            "gateway", 8080, "auth-service", 8081, "chat-service", 8082, "websocket-service", 8083,
            "moderation-service", 8084, "notification-service", 8085);

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void parse() throws IOException {
        services = (Map<String, Map<String, Object>>) DeployFiles.document(DeployFiles.root()
                .resolve("docker/compose.yaml")).get("services");
    }

    @Test
    void runsEveryServiceOnRealMongoKafkaRedisAndAnSmtpCatcher() {
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(INFRASTRUCTURE.stream(), SERVICES.keySet().stream()).toList());
        assertThat((String) services.get("mongo").get("image")).startsWith("mongo:");
        assertThat((String) services.get("kafka").get("image")).startsWith("apache/kafka:");
        assertThat(environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat((String) services.get("redis").get("image")).startsWith("redis:");
        assertThat((String) services.get("mailpit").get("image")).startsWith("axllent/mailpit:");
    }

    @Test
    void everyContainerHasAHealthCheckAndServicesCheckTheirReadinessGroup() {
        services.forEach((name, service) -> {
            Map<String, Object> healthcheck = (Map<String, Object>) service.get("healthcheck");
            assertThat(healthcheck).as(name).isNotNull().containsKey("test");
            assertThat((List<String>) healthcheck.get("test")).as(name).isNotEmpty();
        });
        SERVICES.forEach((name, port) -> {
            List<String> test = (List<String>) ((Map<String, Object>) services.get(name).get("healthcheck")).get("test");
            assertThat(test).as(name).endsWith("http://localhost:" + port + "/actuator/health/readiness");
        });
    }

    @Test
    void servicesStartOnlyOnceWhatTheyNeedIsHealthy() {
        SERVICES.keySet().forEach(name -> {
            Map<String, Map<String, String>> dependsOn =
                    (Map<String, Map<String, String>>) services.get(name).get("depends_on");
            assertThat(dependsOn).as(name).isNotEmpty();
            dependsOn.forEach((dependency, condition) -> {
                assertThat(services).as("%s depends on %s", name, dependency).containsKey(dependency);
                assertThat(condition).as("%s -> %s", name, dependency).containsEntry("condition", "service_healthy");
            });
        });
        assertThat(dependencies("chat-service")).contains("kafka", "redis", "mongo", "auth-service");
        assertThat(dependencies("notification-service")).contains("mailpit");
        assertThat(dependencies("gateway")).containsAll(SERVICES.keySet().stream()
                .filter(name -> !name.equals("gateway")).toList());
    }

    @Test
    void onlyTheGatewayAndTheMailViewerArePublished() {
        Map<String, List<String>> published = services.entrySet().stream()
                .filter(entry -> entry.getValue().containsKey("ports"))
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> (List<String>) entry.getValue().get("ports")));

        assertThat(published).containsOnly(Map.entry("gateway", List.of("8080:8080")),
                Map.entry("mailpit", List.of("8025:8025")));
    }

    @Test
    void servicesAreWiredToEachOtherAndToTheInfrastructureByTheirRealSettings() {
        SERVICES.keySet().forEach(name -> assertThat(environment(name)).as(name)
                .containsEntry("CHAT_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("SPRING_DATA_REDIS_HOST", "redis")
                .containsEntry("SPRING_MONGODB_URI", "mongodb://mongo:27017/?replicaSet=rs0"));
        assertThat(environment("gateway")).containsEntry("CHAT_GATEWAY_ROUTES_CHAT_SERVICE", "http://chat-service:8082")
                .containsEntry("CHAT_GATEWAY_ROUTES_WEBSOCKET_SERVICE", "http://websocket-service:8083");
        assertThat(environment("websocket-service")).containsEntry("CHAT_WEBSOCKET_CHAT_TARGET", "chat-service:9092");
        assertThat(environment("notification-service")).containsEntry("SPRING_MAIL_HOST", "mailpit");
        SERVICES.keySet().forEach(name -> {
            Map<String, Object> build = (Map<String, Object>) services.get(name).get("build");
            assertThat(build).as(name).containsEntry("dockerfile", "docker/Dockerfile");
            assertThat((Map<String, String>) build.get("args")).as(name).containsEntry("SERVICE", name);
            assertThat(((Map<String, String>) build.get("args")).get("PORTS")).as(name)
                    .startsWith(String.valueOf(SERVICES.get(name)));
            assertThat(services.get(name)).as(name).containsEntry("read_only", true)
                    .containsEntry("cap_drop", List.of("ALL"));
        });
    }

    private static Map<String, Object> environment(String service) {
        return ((Map<String, Object>) services.get(service).get("environment")).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue())));
    }

    private static Set<String> dependencies(String service) {
        return ((Map<String, Object>) services.get(service).get("depends_on")).keySet();
    }
}
