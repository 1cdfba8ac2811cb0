package io.chatplatform.auth.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The 30,000 most common passwords (zxcvbn's list, shipped as {@code common-passwords.txt}), read once when the
 * application starts: on the starting thread, never on an event loop.
 */
@Component
public class CommonPasswords {

    private static final String RESOURCE = "common-passwords.txt";

    private final Set<String> passwords;

    public CommonPasswords() {
        this.passwords = load();
    }

    /** Case-insensitive: {@code Password1234} is as guessable as {@code password1234}. */
    public boolean contains(String password) {
        return passwords.contains(password.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return passwords.size();
    }

    private static Set<String> load() {
        Set<String> loaded = new HashSet<>(40_000);
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String password = line.strip();
                if (!password.isEmpty() && !password.startsWith("#")) {
                    loaded.add(password.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(loaded);
    }
}
