package io.chatplatform.cli;

import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Logs in at auth-service (through the gateway) and stores the access and refresh tokens in the config directory,
 * readable by the user only (mode 0600; see {@link StoredSession}). Later commands refresh an expired access token
 * with the refresh token by themselves; log in again when the session has ended.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in and store the tokens for the other commands (file mode 0600).")
final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    ModerationCli cli;

    @Option(names = "--auth-url", defaultValue = "${env:CHATMOD_AUTH_URL:-http://127.0.0.1:8080}",
            description = "the platform's HTTP address, gateway or auth-service (default: ${DEFAULT-VALUE}, "
                    + "env CHATMOD_AUTH_URL)")
    URI authUrl;

    @Option(names = {"-u", "--username"}, required = true, defaultValue = "${env:CHATMOD_USERNAME}",
            description = "username or email (env CHATMOD_USERNAME)")
    String username;

    @Option(names = "--password-stdin", description = "read the password from standard input (for scripts)")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
        String password = password();
        Struct body = Struct.newBuilder()
                .putFields("login", Value.newBuilder().setStringValue(username).build())
                .putFields("password", Value.newBuilder().setStringValue(password).build())
                .build();
        StoredSession.AuthResponse response = StoredSession.post(authUrl, "/api/auth/login", body,
                Duration.ofSeconds(cli.deadlineSeconds));
        if (response.status() == 401 || response.status() == 403) {
            throw new ModerationCli.CliException(ModerationCli.AUTHENTICATION, "login refused: " + response.detail());
        }
        if (response.status() / 100 == 4) {
            throw new ModerationCli.CliException(ModerationCli.USAGE, "login refused: " + response.detail());
        }
        if (response.status() != 200 || !response.body().containsFields("accessToken")) {
            throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR,
                    "login failed with HTTP " + response.status() + ": " + response.detail());
        }
        StoredSession session = cli.session();
        session.store(response.string("accessToken"), response.string("refreshToken"), authUrl);
        Path file = session.tokenFile();
        if (cli.json) {
            cli.out().println("{\"stored\":\"" + file.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\",\"userId\":\"" + response.string("userId") + "\"}");
        } else {
            cli.out().println("Logged in; token stored in " + file);
        }
        cli.out().flush();
        return ModerationCli.OK;
    }

    private String password() throws IOException {
        if (passwordStdin) {
            return new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        String fromEnv = System.getenv("CHATMOD_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        Console console = System.console();
        if (console == null) {
            throw new ModerationCli.CliException(ModerationCli.USAGE,
                    "no terminal to ask for the password: use --password-stdin or CHATMOD_PASSWORD");
        }
        return new String(console.readPassword("Password for %s: ", username));
    }
}
