package io.chatplatform.deploy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Rendered Kubernetes manifests, with navigation by kind and name and by path inside one object. */
record Manifests(List<Map<String, Object>> objects) {

    static Manifests parse(String rendered) {
        return new Manifests(DeployFiles.documents(rendered));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(object -> kind.equals(object.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(object -> name.equals(name(object))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new NoSuchElementException(kind + " " + name + " not rendered; "
                + "rendered: " + objects.stream().map(o -> o.get("kind") + "/" + name(o)).toList()));
    }

    static String name(Map<String, Object> object) {
        return (String) map(object, "metadata").get("name");
    }

    /** The value at a dotted path of map keys ({@code spec.template.spec}); null where the path ends early. */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> object, String path) {
        Object current = object;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return (T) current;
    }

    static Map<String, Object> map(Map<String, Object> object, String path) {
        Map<String, Object> value = at(object, path);
        if (value == null) {
            throw new NoSuchElementException(path + " missing in " + object.get("kind") + " " + name(object));
        }
        return value;
    }

    static List<Map<String, Object>> list(Map<String, Object> object, String path) {
        List<Map<String, Object>> value = at(object, path);
        return value != null ? value : List.of();
    }
}
