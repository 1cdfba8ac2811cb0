package io.chatplatform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Jib images (configured in the poms; built as tarballs by {@code -Pimages}) and docker/Dockerfile agree: same
 * user, JVM flags, working directory and ports. With {@code -Pimages} the tarballs of this build are opened and
 * their image configuration checked too.
 */
@SuppressWarnings("unchecked")
class ContainerImagesTest {

    /** Ports each image exposes: HTTP first, then gRPC. moderation-cli exposes none. */
    private static final Map<String, List<String>> PORTS = Map.of(
            "gateway", List.of("8080"),
            "auth-service", List.of("8081", "9091"),
            "chat-service", List.of("8082", "9092"),
            "websocket-service", List.of("8083"),
            "moderation-service", List.of("8084", "9093"),
            "notification-service", List.of("8085"),
            "moderation-cli", List.of());

    @Test
    void dockerfileUsesTheJibImagesUserJvmFlagsWorkingDirectoryAndBase() throws Exception {
        Element jib = jibConfiguration(DeployFiles.root().resolve("pom.xml"));
        String dockerfile = Files.readString(DeployFiles.root().resolve("docker/Dockerfile"));

        String user = text(jib, "user");
        assertThat(user).isEqualTo("10001:10001");
        assertThat(dockerfile).contains("\nUSER " + user + "\n").contains("useradd --uid 10001");
        assertThat(dockerfile).contains("\nWORKDIR " + text(jib, "workingDirectory") + "\n");
        assertThat(dockerfileEntrypointFlags(dockerfile)).containsExactlyElementsOf(jvmFlags(jib));
        assertThat(jvmFlags(jib)).anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
                .contains("-XX:+ExitOnOutOfMemoryError");
        String registryBase = property(DeployFiles.root().resolve("pom.xml"), "image.base");
        assertThat(dockerfile).contains("ARG JAVA_IMAGE=" + registryBase + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "auth-service", "chat-service", "websocket-service", "moderation-service",
            "notification-service", "moderation-cli"})
    void everyModuleWithAnImageDeclaresItsMainClassAndPorts(String module) throws Exception {
        Element jib = jibConfiguration(DeployFiles.root().resolve(module).resolve("pom.xml"));

        assertThat(text(jib, "mainClass")).startsWith("io.chatplatform.");
        List<String> ports = texts(jib, "port");
        assertThat(ports).isEqualTo(PORTS.get(module));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "auth-service", "chat-service", "websocket-service", "moderation-service",
            "notification-service", "moderation-cli"})
    void theImageTarballOfThisBuildRunsAsTheNonRootUserWithTheContainerFlags(String module) throws Exception {
        assumeTrue(Boolean.getBoolean("deploy.images.required"), "image tarballs are built with -Pimages");
        Path tarball = DeployFiles.root().resolve(module).resolve("target/jib-image.tar");
        assertThat(tarball).exists();

        Map<String, byte[]> entries = readTar(tarball, name -> name.endsWith(".json"));
        List<Map<String, Object>> manifest = (List<Map<String, Object>>) (Object) new org.yaml.snakeyaml.Yaml()
                .load(new String(entries.get("manifest.json"), StandardCharsets.UTF_8));
        Map<String, Object> image = DeployFiles.documents(new String(entries.get(
                (String) manifest.get(0).get("Config")), StandardCharsets.UTF_8)).get(0);
        Map<String, Object> config = (Map<String, Object>) image.get("config");

        assertThat(config).containsEntry("User", "10001:10001").containsEntry("WorkingDir", "/app");
        List<String> entrypoint = (List<String>) config.get("Entrypoint");
        Element jib = jibConfiguration(DeployFiles.root().resolve("pom.xml"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.subList(1, 1 + jvmFlags(jib).size())).containsExactlyElementsOf(jvmFlags(jib));
        assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(
                text(jibConfiguration(DeployFiles.root().resolve(module).resolve("pom.xml")), "mainClass"));
        Map<String, Object> exposed = (Map<String, Object>) config.getOrDefault("ExposedPorts", Map.of());
        assertThat(exposed == null ? List.of() : exposed.keySet()).containsExactlyInAnyOrderElementsOf(
                PORTS.get(module).stream().map(port -> port + "/tcp").toList());
        assertThat((List<String>) config.get("Env")).contains("JAVA_HOME=/opt/java/openjdk");
        // The base layer (Java runtime) and Jib's dependency, resource and class layers.
        assertThat((List<String>) manifest.get(0).get("Layers")).hasSizeGreaterThanOrEqualTo(3);
    }

    /** The flags between {@code java} and {@code -jar} in the Dockerfile's exec-form ENTRYPOINT. */
    private static List<String> dockerfileEntrypointFlags(String dockerfile) {
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(dockerfile);
        assertThat(entrypoint.find()).as("ENTRYPOINT in exec form").isTrue();
        List<String> words = Arrays.stream(entrypoint.group(1).split(","))
                .map(word -> word.trim().replaceAll("^\"|\"$", "")).toList();
        assertThat(words.get(0)).isEqualTo("java");
        return words.subList(1, words.indexOf("-jar"));
    }

    private static Element jibConfiguration(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList artifactIds = document.getElementsByTagName("artifactId");
        for (int i = 0; i < artifactIds.getLength(); i++) {
            if ("jib-maven-plugin".equals(artifactIds.item(i).getTextContent().trim())) {
                Element plugin = (Element) artifactIds.item(i).getParentNode();
                NodeList configuration = plugin.getElementsByTagName("configuration");
                if (configuration.getLength() > 0) {
                    return (Element) configuration.item(0);
                }
            }
        }
        throw new AssertionError("no jib-maven-plugin configuration in " + pom);
    }

    private static String property(Path pom, String name) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return document.getElementsByTagName(name).item(0).getTextContent().trim();
    }

    private static String text(Element parent, String tag) {
        List<String> values = texts(parent, tag);
        assertThat(values).as(tag).hasSize(1);
        return values.get(0);
    }

    private static List<String> texts(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().trim());
        }
        return values;
    }

    private static List<String> jvmFlags(Element jib) {
        return texts(jib, "jvmFlag");
    }

    /** The entries of an uncompressed tar archive whose names match, by name (ustar headers, regular files). */
    private static Map<String, byte[]> readTar(Path tarball, java.util.function.Predicate<String> wanted)
            throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(tarball)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.UTF_8).replace("\0", "").trim();
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII)
                        .replace("\0", "").trim(), 8);
                long padded = (size + 511) / 512 * 512;
                if (wanted.test(name)) {
                    entries.put(name, in.readNBytes((int) size));
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        }
        return entries;
    }
}
