package io.chatplatform.cli;

import java.io.Console;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Logs in at auth-service (through the gateway) and stores the access token in the config directory, readable by the
 * user only (mode 0600). Access tokens are short-lived: log in again when a command says the token was refused.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in and store the access token for the other commands (file mode 0600).")
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
    public Integer call() throws IOException, InterruptedException {
        String password = password();
        Struct body = Struct.newBuilder()
                .putFields("login", Value.newBuilder().setStringValue(username).build())
                .putFields("password", Value.newBuilder().setStringValue(password).build())
                .build();
        HttpRequest request = HttpRequest.newBuilder(authUrl.resolve("/api/auth/login"))
                .timeout(Duration.ofSeconds(cli.deadlineSeconds))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JsonFormat.printer().print(body)))
                .build();
        HttpResponse<String> response;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(cli.deadlineSeconds)).build();
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR,
                    "cannot reach " + authUrl + ": " + e.getMessage());
        }
        Struct answer = parse(response.body());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new ModerationCli.CliException(ModerationCli.AUTHENTICATION, "login refused: " + detail(answer));
        }
        if (response.statusCode() / 100 == 4) {
            throw new ModerationCli.CliException(ModerationCli.USAGE, "login refused: " + detail(answer));
        }
        if (response.statusCode() != 200 || !answer.containsFields("accessToken")) {
            throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR,
                    "login failed with HTTP " + response.statusCode() + ": " + detail(answer));
        }
        Path file = store(answer.getFieldsOrThrow("accessToken").getStringValue());
        if (cli.json) {
            cli.out().println("{\"stored\":\"" + file.toString().replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\",\"userId\":\"" + answer.getFieldsOrDefault("userId", Value.getDefaultInstance())
                    .getStringValue() + "\"}");
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

    /** Written to a temporary file created 0600, then moved in place: the token is never readable by others. */
    private Path store(String token) throws IOException {
        Path dir = cli.configDirectory();
        Files.createDirectories(dir);
        Path file = cli.tokenFile();
        Path temporary;
        try {
            temporary = Files.createTempFile(dir, "token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the user's profile directory is private already.
            temporary = Files.createTempFile(dir, "token", ".tmp");
        }
        Files.writeString(temporary, token, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Struct parse(String body) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(body == null || body.isBlank() ? "{}" : body, struct);
        } catch (InvalidProtocolBufferException e) {
            // Not JSON (a proxy's error page): reported by status code alone.
        }
        return struct.build();
    }

    private static String detail(Struct problem) {
        Value detail = problem.getFieldsOrDefault("detail", Value.getDefaultInstance());
        return detail.getStringValue().isEmpty() ? "(no detail)" : detail.getStringValue();
    }
}
