package io.chatplatform.deploy;

import static io.chatplatform.deploy.Manifests.at;
import static io.chatplatform.deploy.Manifests.list;
import static io.chatplatform.deploy.Manifests.map;
import static io.chatplatform.deploy.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart, linted and rendered by helm-java (the helm library in-process: no helm binary) for the default
 * values, external infrastructure and a minimal set; the manifests are parsed and checked as Kubernetes would read
 * them.
 */
@SuppressWarnings("unchecked")
class HelmChartTest {

    private static final String RELEASE = "chat-platform";
    private static final String NAMESPACE = "chat";
    /** The services and the gateway with their HTTP and gRPC ports (0: none): each needs a Deployment and a Service. */
    private static final Map<String, List<Integer>> SERVICES = Map.of(
            "gateway", List.of(8080, 0),
            "auth-service", List.of(8081, 9091),
            "chat-service", List.of(8082, 9092),
            "websocket-service", List.of(8083, 0),
            "moderation-service", List.of(8084, 9093),
            "notification-service", List.of(8085, 0));
    private static final String KUBERNETES = "1.31.0";
    private static final Set<String> AUTOSCALED = Set.of("gateway", "chat-service", "websocket-service");

    private final Helm helm = new Helm(DeployFiles.chart());

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("default", (UnaryOperator<TemplateCommand>) command -> command),
                Arguments.of("external", (UnaryOperator<TemplateCommand>) command ->
                        command.withValuesFile(DeployFiles.chart().resolve("examples/values-external.yaml"))),
                Arguments.of("minimal", (UnaryOperator<TemplateCommand>) command ->
                        command.withValuesFile(DeployFiles.testValues("minimal.yaml"))));
    }

    /** Renders as `helm template` would for an install on a current cluster (a values set may pick another). */
    private Manifests render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = helm.template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBERNETES);
        return Manifests.parse(values.apply(command).call());
    }

    private Manifests renderDefault() {
        return render(command -> command);
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = helm.lint().strict().call();

        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0} values")
    @MethodSource("valueSets")
    void everyServiceHasADeploymentWithProbesResourcesAndALockedDownSecurityContext(
            String valueSet, UnaryOperator<TemplateCommand> values) {
        Manifests manifests = render(values);

        assertThat(manifests.ofKind("Deployment")).extracting(Manifests::name)
                .containsExactlyInAnyOrderElementsOf(SERVICES.keySet().stream().map(s -> RELEASE + "-" + s).toList());
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            Map<String, Object> pod = map(deployment, "spec.template.spec");
            assertThat((Object) at(pod, "securityContext.runAsNonRoot")).as(name(deployment)).isEqualTo(true);
            assertThat((Object) at(pod, "automountServiceAccountToken")).as(name(deployment)).isEqualTo(false);
            for (Map<String, Object> container : list(deployment, "spec.template.spec.containers")) {
                String what = name(deployment) + " container " + container.get("name");
                assertThat((String) at(container, "startupProbe.httpGet.path")).as(what)
                        .isEqualTo("/actuator/health/liveness");
                assertThat((String) at(container, "livenessProbe.httpGet.path")).as(what)
                        .isEqualTo("/actuator/health/liveness");
                assertThat((String) at(container, "readinessProbe.httpGet.path")).as(what)
                        .isEqualTo("/actuator/health/readiness");
                assertThat(Stream.of("startupProbe", "livenessProbe", "readinessProbe")
                        .map(probe -> (Object) at(container, probe + ".httpGet.port"))).as(what)
                        .containsOnly("http");
                assertThat((Object) at(container, "resources.requests.cpu")).as(what).isNotNull();
                assertThat((Object) at(container, "resources.requests.memory")).as(what).isNotNull();
                assertThat((Object) at(container, "resources.limits.memory")).as(what).isNotNull();
                Map<String, Object> security = map(container, "securityContext");
                assertThat(security).as(what)
                        .containsEntry("runAsNonRoot", true)
                        .containsEntry("readOnlyRootFilesystem", true)
                        .containsEntry("allowPrivilegeEscalation", false);
                assertThat((List<String>) at(security, "capabilities.drop")).as(what).containsExactly("ALL");
                assertThat(list(container, "volumeMounts")).as(what + ": a writable /tmp")
                        .anyMatch(mount -> "/tmp".equals(mount.get("mountPath")));
            }
        }
    }

    @ParameterizedTest(name = "{0} values")
    @MethodSource("valueSets")
    void servicesExposeEachDeploymentsPorts(String valueSet, UnaryOperator<TemplateCommand> values) {
        Manifests manifests = render(values);

        SERVICES.forEach((service, ports) -> {
            Map<String, Object> deployment = manifests.get("Deployment", RELEASE + "-" + service);
            Map<String, Object> k8sService = manifests.get("Service", RELEASE + "-" + service);
            Map<String, Object> podLabels = map(deployment, "spec.template.metadata.labels");
            assertThat(podLabels).as(service).containsAllEntriesOf(map(k8sService, "spec.selector"));
            assertThat(map(deployment, "spec.selector.matchLabels")).isEqualTo(map(k8sService, "spec.selector"));
            List<Object> servicePorts = list(k8sService, "spec.ports").stream().map(port -> port.get("port")).toList();
            List<Object> containerPorts = list(deployment, "spec.template.spec.containers").get(0).get("ports") == null
                    ? List.of()
                    : ((List<Map<String, Object>>) list(deployment, "spec.template.spec.containers").get(0).get("ports"))
                            .stream().map(port -> port.get("containerPort")).toList();
            List<Integer> expected = ports.stream().filter(port -> port != 0).toList();
            assertThat(servicePorts).as(service).containsExactlyElementsOf(expected);
            assertThat(containerPorts).as(service).containsExactlyElementsOf(expected);
        });
    }

    @ParameterizedTest(name = "{0} values")
    @MethodSource("valueSets")
    void eachAutoscalerTargetsItsOwnDeploymentWhichLeavesReplicasToIt(
            String valueSet, UnaryOperator<TemplateCommand> values) {
        Manifests manifests = render(values);

        for (Map<String, Object> hpa : manifests.ofKind("HorizontalPodAutoscaler")) {
            assertThat((String) at(hpa, "apiVersion")).isEqualTo("autoscaling/v2");
            assertThat((String) at(hpa, "spec.scaleTargetRef.kind")).isEqualTo("Deployment");
            assertThat((String) at(hpa, "spec.scaleTargetRef.apiVersion")).isEqualTo("apps/v1");
            String target = at(hpa, "spec.scaleTargetRef.name");
            assertThat(target).as("HPA %s", name(hpa)).isEqualTo(name(hpa));
            Map<String, Object> deployment = manifests.get("Deployment", target);
            assertThat((Object) at(deployment, "spec.replicas")).as("%s is scaled by its HPA", target).isNull();
            assertThat((Integer) at(hpa, "spec.minReplicas")).isLessThanOrEqualTo(at(hpa, "spec.maxReplicas"));
        }
        Set<String> targets = manifests.ofKind("HorizontalPodAutoscaler").stream()
                .map(hpa -> (String) at(hpa, "spec.scaleTargetRef.name")).collect(Collectors.toSet());
        Set<String> expected = "minimal".equals(valueSet) ? Set.of()
                : AUTOSCALED.stream().map(s -> RELEASE + "-" + s).collect(Collectors.toSet());
        assertThat(targets).isEqualTo(expected);
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            if (!targets.contains(name(deployment))) {
                assertThat((Integer) at(deployment, "spec.replicas")).as(name(deployment)).isPositive();
            }
        }
    }

    @Test
    void disruptionBudgetsCoverEveryServicesPods() {
        Manifests manifests = renderDefault();

        assertThat(manifests.ofKind("PodDisruptionBudget")).hasSize(SERVICES.size());
        for (Map<String, Object> pdb : manifests.ofKind("PodDisruptionBudget")) {
            Map<String, Object> deployment = manifests.get("Deployment", name(pdb));
            assertThat(map(deployment, "spec.template.metadata.labels"))
                    .containsAllEntriesOf(map(pdb, "spec.selector.matchLabels"));
            assertThat((Object) at(pdb, "spec.maxUnavailable")).isEqualTo(1);
        }
    }

    @Test
    void ingressRoutesTheWebSocketToWebsocketServiceAndEverythingElseToTheGateway() {
        Manifests manifests = render(command -> command.set("ingress.tls.enabled", true));

        Map<String, String> backends = new java.util.HashMap<>();
        for (Map<String, Object> ingress : manifests.ofKind("Ingress")) {
            assertThat(list(ingress, "spec.tls")).as(name(ingress)).singleElement()
                    .satisfies(tls -> assertThat(tls).containsEntry("secretName", "chat-platform-tls"));
            for (Map<String, Object> rule : list(ingress, "spec.rules")) {
                assertThat(rule).containsEntry("host", "chat.example.org");
                for (Map<String, Object> path : list(rule, "http.paths")) {
                    backends.put((String) path.get("path"), at(path, "backend.service.name"));
                    String portName = at(path, "backend.service.port.name");
                    Map<String, Object> service = manifests.get("Service", at(path, "backend.service.name"));
                    assertThat(list(service, "spec.ports")).anyMatch(port -> portName.equals(port.get("name")));
                }
            }
        }
        assertThat(backends).containsOnly(
                Map.entry("/ws", RELEASE + "-websocket-service"),
                Map.entry("/api", RELEASE + "-gateway"),
                Map.entry("/", RELEASE + "-gateway"));
        Map<String, Object> ws = manifests.get("Ingress", RELEASE + "-ws");
        assertThat(map(ws, "metadata.annotations"))
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600");
        // The WebSocket accepts only the public origin the Ingress serves.
        assertThat(env(manifests, "websocket-service")).containsEntry("CHAT_WEBSOCKET_ALLOWED_ORIGINS",
                "https://chat.example.org");
    }

    @Test
    void onlyTheGatewayAndWebsocketServiceTakeTrafficFromOutside() {
        Manifests manifests = renderDefault();

        for (String service : SERVICES.keySet()) {
            Map<String, Object> policy = manifests.get("NetworkPolicy", RELEASE + "-" + service);
            Map<String, Object> podLabels = map(manifests.get("Deployment", RELEASE + "-" + service),
                    "spec.template.metadata.labels");
            assertThat(podLabels).containsAllEntriesOf(map(policy, "spec.podSelector.matchLabels"));
            List<Map<String, Object>> rules = list(policy, "spec.ingress");
            boolean open = rules.stream().anyMatch(rule -> rule.get("from") == null);
            assertThat(open).as("%s open to outside traffic", service)
                    .isEqualTo(service.equals("gateway") || service.equals("websocket-service"));
        }
        // chat-service: reachable from its callers (notification-service asks it for members and read markers), not
        // from, say, the infrastructure.
        List<Map<String, Object>> from = list(manifests.get("NetworkPolicy", RELEASE + "-chat-service"),
                "spec.ingress").get(0).get("from") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
        Set<String> callers = from.stream()
                .map(peer -> ((Map<String, String>) at(peer, "podSelector.matchLabels")).get("app.kubernetes.io/name"))
                .collect(Collectors.toSet());
        assertThat(callers).containsExactlyInAnyOrder("gateway", "websocket-service", "moderation-service",
                "notification-service");
        for (String infra : List.of("kafka", "redis", "mongodb")) {
            assertThat(manifests.find("NetworkPolicy", RELEASE + "-" + infra)).as(infra).isPresent();
        }
    }

    @Test
    void defaultValuesRunKafkaRedisAndMongoInTheClusterAndPointTheServicesAtThem() {
        Manifests manifests = render(command -> command.set("kafka.replicas", 3));

        assertThat(manifests.ofKind("StatefulSet")).extracting(Manifests::name)
                .containsExactlyInAnyOrder(RELEASE + "-kafka", RELEASE + "-redis", RELEASE + "-mongodb");
        for (Map<String, Object> statefulSet : manifests.ofKind("StatefulSet")) {
            for (Map<String, Object> container : list(statefulSet, "spec.template.spec.containers")) {
                assertThat(container).as(name(statefulSet)).containsKeys("startupProbe", "readinessProbe",
                        "livenessProbe", "resources");
                assertThat((Object) at(container, "securityContext.runAsNonRoot")).isEqualTo(true);
                assertThat((List<String>) at(container, "securityContext.capabilities.drop")).containsExactly("ALL");
            }
        }
        Map<String, String> kafkaEnv = containerEnv(manifests.get("StatefulSet", RELEASE + "-kafka"));
        assertThat(kafkaEnv.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")).hasSize(3)
                .allMatch(voter -> voter.matches("\\d@chat-platform-kafka-\\d\\.chat-platform-kafka-headless:9093"));
        assertThat(kafkaEnv).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");

        assertThat(env(manifests, "chat-service"))
                .containsEntry("CHAT_KAFKA_BOOTSTRAP_SERVERS", "chat-platform-kafka:9092")
                .containsEntry("SPRING_DATA_REDIS_HOST", "chat-platform-redis")
                .containsEntry("SPRING_MONGODB_URI", "mongodb://root:$(CHAT_MONGODB_PASSWORD)@chat-platform-mongodb-0"
                        + ".chat-platform-mongodb-headless:27017/?authSource=admin&replicaSet=rs0")
                .containsEntry("CHAT_JWT_JWKS_URI", "http://chat-platform-auth-service:8081/.well-known/jwks.json")
                .containsEntry("CHAT_CHAT_SERVICE_PRE_MODERATION_TARGET", "chat-platform-moderation-service:9093");
        assertThat(env(manifests, "websocket-service"))
                .containsEntry("CHAT_WEBSOCKET_CHAT_TARGET", "chat-platform-chat-service:9092");
        assertThat(env(manifests, "gateway"))
                .containsEntry("CHAT_GATEWAY_ROUTES_AUTH_SERVICE", "http://chat-platform-auth-service:8081")
                .containsEntry("CHAT_GATEWAY_ROUTES_WEBSOCKET_SERVICE", "http://chat-platform-websocket-service:8083")
                .containsEntry("CHAT_GATEWAY_TRUST_FORWARDED_FOR", "true");
        // Every Secret a pod refers to is rendered by the chart (nothing external with default values).
        Set<String> secrets = manifests.ofKind("Secret").stream().map(Manifests::name).collect(Collectors.toSet());
        assertThat(secretReferences(manifests)).isSubsetOf(secrets);
    }

    @Test
    void externalInfrastructureValuesRenderNoStatefulSetsAndUseTheGivenEndpointsAndSecrets() {
        Manifests manifests = render(command ->
                command.withValuesFile(DeployFiles.chart().resolve("examples/values-external.yaml")));

        assertThat(manifests.ofKind("StatefulSet")).isEmpty();
        assertThat(manifests.ofKind("Secret")).as("every secret comes from existingSecret").isEmpty();
        assertThat(env(manifests, "notification-service"))
                .containsEntry("CHAT_KAFKA_BOOTSTRAP_SERVERS",
                        "kafka-0.kafka.example.net:9092,kafka-1.kafka.example.net:9092,kafka-2.kafka.example.net:9092")
                .containsEntry("SPRING_DATA_REDIS_HOST", "redis.example.net")
                .containsEntry("SPRING_MAIL_HOST", "smtp.example.net");
        assertThat(secretReferences(manifests)).containsExactlyInAnyOrder("chat-mongo", "chat-redis",
                "chat-platform-keys");
        assertThat((List<String>) at(manifests.get("Deployment", RELEASE + "-auth-service"),
                "spec.template.spec.containers")).isNotEmpty();
        assertThat(list(manifests.get("Deployment", RELEASE + "-gateway"), "spec.template.spec.containers").get(0))
                .containsEntry("image", "registry.example.org/chat/gateway:0.1.0");
        assertThat(manifests.ofKind("ServiceMonitor")).singleElement()
                .satisfies(monitor -> assertThat(list(monitor, "spec.endpoints").get(0))
                        .containsEntry("path", "/actuator/prometheus"));
    }

    @Test
    void secretsAreGeneratedWhenAbsentAndGivenKeysArePassedOn() {
        Manifests generated = renderDefault();
        Map<String, Object> generatedSecret = generated.get("Secret", RELEASE + "-generated");
        Map<String, String> data = at(generatedSecret, "stringData");
        assertThat(data.get("auth-service-secret")).hasSize(48);
        assertThat(data.get("redis-password")).hasSize(40);
        assertThat(data.get("mongodb-root-password")).hasSize(40).isNotEqualTo(data.get("redis-password"));
        assertThat(map(generatedSecret, "metadata.annotations")).containsEntry("helm.sh/resource-policy", "keep");
        assertThat((Map<String, String>) at(generated.get("Secret", RELEASE + "-secrets"), "stringData"))
                .as("nothing given, nothing stored").isNullOrEmpty();
        // auth-service and moderation-service share the service secret; without configured keys auth-service
        // generates its signing key (the optional reference leaves the variable unset).
        assertThat(secretRef(generated, "auth-service", "CHAT_AUTH_SERVICE_SECRET"))
                .containsEntry("name", RELEASE + "-generated")
                .isEqualTo(secretRef(generated, "moderation-service", "CHAT_MODERATION_AUTH_SERVICE_SECRET"));
        // The same secret is the service credential every gRPC caller and server of the platform uses.
        for (String service : List.of("chat-service", "websocket-service", "moderation-service",
                "notification-service")) {
            assertThat(secretRef(generated, service, "CHAT_SERVICE_AUTH_TOKEN")).as(service)
                    .isEqualTo(secretRef(generated, "auth-service", "CHAT_AUTH_SERVICE_SECRET"));
        }
        assertThat(secretRef(generated, "auth-service", "CHAT_AUTH_KEYS_0_PRIVATE_KEY"))
                .containsEntry("optional", true);

        assertThat(render(command -> command.set("secrets.generate", false)).find("Secret", RELEASE + "-generated"))
                .as("created beforehand, for tools that render on every sync").isEmpty();

        Manifests given = render(command -> command
                .set("secrets.jwt.kid", "2026-01")
                .set("secrets.jwt.privateKey", "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----")
                .set("secrets.jwt.publicKey", "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----")
                .set("secrets.authServiceSecret", "s".repeat(40)));
        Map<String, String> givenData = at(given.get("Secret", RELEASE + "-secrets"), "stringData");
        assertThat(givenData).containsEntry("jwt-kid", "2026-01").containsEntry("auth-service-secret", "s".repeat(40));
        assertThat(givenData.get("jwt-private-key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(secretRef(given, "auth-service", "CHAT_AUTH_SERVICE_SECRET")).containsEntry("name", RELEASE + "-secrets");
        // During a rotation the previous key is the second configured key: published, no longer signing.
        assertThat(secretRef(given, "auth-service", "CHAT_AUTH_KEYS_1_PRIVATE_KEY"))
                .containsEntry("key", "jwt-previous-private-key").containsEntry("optional", true);
        assertThat(given.find("Secret", RELEASE + "-generated").map(secret -> (Map<String, String>) at(secret, "stringData")))
                .hasValueSatisfying(stored -> assertThat(stored).doesNotContainKey("auth-service-secret"));
    }

    @Test
    void theDashboardShowsWhatOperatorsWatch() {
        Map<String, Object> configMap = renderDefault().get("ConfigMap", RELEASE + "-dashboard");
        String json = (String) map(configMap, "data").get("chat-platform.json");
        Map<String, Object> dashboard = DeployFiles.documents(json).get(0);

        String queries = list(dashboard, "panels").stream()
                .flatMap(panel -> list(panel, "targets").stream())
                .map(target -> (String) target.get("expr"))
                .collect(Collectors.joining("\n"));
        // The names as the services publish them (e2e ObservabilityIT scrapes every one the dashboard queries).
        assertThat(queries).contains("chat_messages_stored_total", "chat_websocket_delivery_latency_seconds_bucket",
                "chat_websocket_connections", "kafka_consumer_fetch_manager_records_lag_max",
                "chat_outbox_backlog_messages",
                "chat_notifications_total", "moderation_verdicts_total", "moderation_check_latency_seconds_bucket");
        assertThat(map(configMap, "metadata.labels")).containsEntry("grafana_dashboard", "1");
    }

    @Test
    void preStopPauseOnlyWhereKubernetesHasTheSleepAction() {
        Manifests current = renderDefault();
        Manifests older = render(command -> command.withKubeVersion("1.29.0"));

        Map<String, Object> container = list(current.get("Deployment", RELEASE + "-gateway"),
                "spec.template.spec.containers").get(0);
        assertThat((Object) at(container, "lifecycle.preStop.sleep.seconds")).isEqualTo(5);
        assertThat(list(older.get("Deployment", RELEASE + "-gateway"), "spec.template.spec.containers").get(0))
                .doesNotContainKey("lifecycle");
    }

    @Test
    void aBadValuesFileIsRefusedByTheSchemaWithMessagesThatSayWhatIsWrong() {
        assertThatThrownBy(() -> render(command -> command.withValuesFile(DeployFiles.testValues("bad.yaml"))))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/gateway/replicaCount': minimum: got 0, want 1")
                .hasMessageContaining("at '/logFormat': value must be one of 'json', 'text'")
                .hasMessageContaining("additional properties 'ingres' not allowed")
                .hasMessageContaining("at '/externalKafka/bootstrapServers'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "chatService.autoscaling.targetCPUUtilizationPercentage=150",
            "kafka.clusterId=short",
            "ingress.host=not a host",
            "mongodb.enabled=false",
            "authService.autoscaling.enabled=true",
            "externalKafka.bootstrapServers=no-port",
            "publicUrl=chat.example.org",
            "secrets.jwt.privateKey=-----BEGIN PRIVATE KEY-----x"})
    void eachKindOfMistakeIsRefused(String assignment) {
        String[] keyValue = assignment.split("=", 2);
        Object value = keyValue[1].matches("\\d+|true|false") ? parseScalar(keyValue[1]) : keyValue[1];

        assertThatThrownBy(() -> render(command -> command.set(keyValue[0], value)))
                .as(assignment)
                .hasMessageContaining("schema");
    }

    @Test
    void anAutoscalerWhoseMinimumExceedsItsMaximumIsRefused() {
        // Beyond what the schema can say: the template compares the two.
        assertThatThrownBy(() -> render(command -> command
                .set("websocketService.autoscaling.minReplicas", 5)
                .set("websocketService.autoscaling.maxReplicas", 3)))
                .hasMessageContaining("websocketService.autoscaling: minReplicas (5) is above maxReplicas (3)");
    }

    private static Object parseScalar(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> Integer.parseInt(text);
        };
    }

    /** A service container's plain environment variables (those with a value). */
    private static Map<String, String> env(Manifests manifests, String service) {
        return containerEnv(manifests.get("Deployment", RELEASE + "-" + service));
    }

    private static Map<String, String> containerEnv(Map<String, Object> workload) {
        Map<String, Object> container = list(workload, "spec.template.spec.containers").get(0);
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
        return env.stream().filter(variable -> variable.get("value") != null)
                .collect(Collectors.toMap(variable -> (String) variable.get("name"),
                        variable -> String.valueOf(variable.get("value")), (first, last) -> last));
    }

    private static Map<String, Object> secretRef(Manifests manifests, String service, String variable) {
        Map<String, Object> container = list(manifests.get("Deployment", RELEASE + "-" + service),
                "spec.template.spec.containers").get(0);
        return ((List<Map<String, Object>>) container.get("env")).stream()
                .filter(env -> variable.equals(env.get("name")))
                .map(env -> (Map<String, Object>) at(env, "valueFrom.secretKeyRef"))
                .findFirst().orElseThrow(() -> new AssertionError(variable + " not set on " + service));
    }

    /** Names of the Secrets the workloads' environment refers to. */
    private static Set<String> secretReferences(Manifests manifests) {
        return Stream.concat(manifests.ofKind("Deployment").stream(), manifests.ofKind("StatefulSet").stream())
                .flatMap(workload -> list(workload, "spec.template.spec.containers").stream())
                .flatMap(container -> container.get("env") == null ? Stream.empty()
                        : ((List<Map<String, Object>>) container.get("env")).stream())
                .map(env -> (String) at(env, "valueFrom.secretKeyRef.name"))
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
    }
}
