package io.chatplatform.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** Where the deployment files are, and YAML parsing of them. */
final class DeployFiles {

    private DeployFiles() {
    }

    /** The repository root (surefire passes it; running from the module directory works too). */
    static Path root() {
        String configured = System.getProperty("deploy.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path chart() {
        return root().resolve("helm/chat-platform");
    }

    static Path testValues(String name) {
        return Path.of("src/test/resources/values").resolve(name).toAbsolutePath();
    }

    /** Every non-empty document of a multi-document YAML stream, as maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(50 * 1024 * 1024);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(options).loadAll(yaml)) {
            if (document instanceof Map<?, ?> map) {
                documents.add((Map<String, Object>) map);
            }
        }
        return documents;
    }

    static Map<String, Object> document(Path file) throws IOException {
        List<Map<String, Object>> documents = documents(Files.readString(file));
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " documents, not one");
        }
        return documents.get(0);
    }
}
