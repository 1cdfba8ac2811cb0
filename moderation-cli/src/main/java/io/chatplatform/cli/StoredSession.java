package io.chatplatform.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The tokens {@code chatmod login} keeps in the config directory, each file readable by the user only (mode 0600):
 * {@code token} (the access token, 15 minutes), {@code refresh-token} and {@code auth-url} (where to refresh it).
 *
 * <p>Before a command uses an access token that has expired (or expires within {@link #MARGIN}), the stored refresh
 * token gets a new pair at {@code POST /api/auth/refresh}, and both are stored again. Refresh tokens rotate and a
 * replaced one presented again ends the whole session, so a refresh happens under a file lock, and a process that
 * waited for the lock first looks whether another one refreshed meanwhile.
 */
final class StoredSession {

    static final String TOKEN = "token";
    static final String REFRESH_TOKEN = "refresh-token";
    static final String AUTH_URL = "auth-url";
    /** A token this close to its expiry is refreshed first, so it does not expire on the way to the server. */
    static final Duration MARGIN = Duration.ofSeconds(30);

    private final Path dir;
    private final Duration deadline;

    StoredSession(Path dir, Duration deadline) {
        this.dir = dir;
        this.deadline = deadline;
    }

    /** Stores a new session after login: the access token, and the refresh token with where to use it. */
    void store(String accessToken, String refreshToken, URI authUrl) throws IOException {
        Files.createDirectories(dir);
        write(AUTH_URL, authUrl.toString());
        if (refreshToken != null && !refreshToken.isEmpty()) {
            write(REFRESH_TOKEN, refreshToken);
        } else {
            Files.deleteIfExists(dir.resolve(REFRESH_TOKEN));
        }
        write(TOKEN, accessToken);
    }

    Path tokenFile() {
        return dir.resolve(TOKEN);
    }

    /**
     * The stored access token, refreshed first if it has expired and a refresh token is stored; fails with exit code
     * 3 when not logged in or the session cannot be refreshed (expired, revoked, blocked).
     */
    String accessToken(Instant now) {
        Path file = tokenFile();
        if (!Files.isReadable(file)) {
            throw new ModerationCli.CliException(ModerationCli.AUTHENTICATION,
                    "not logged in: run `chatmod login` (or pass --token)");
        }
        try {
            String token = read(TOKEN);
            if (!expiresSoon(token, now) || !Files.isReadable(dir.resolve(REFRESH_TOKEN))) {
                return token;
            }
            return refreshed(now);
        } catch (IOException e) {
            throw new ModerationCli.CliException(ModerationCli.AUTHENTICATION,
                    "cannot read the stored token in " + dir + ": " + e.getMessage());
        }
    }

    private String refreshed(Instant now) throws IOException {
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".refresh.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            String token = read(TOKEN);
            if (!expiresSoon(token, now)) {
                // Another chatmod refreshed while this one waited for the lock.
                return token;
            }
            URI authUrl = URI.create(read(AUTH_URL));
            Struct body = Struct.newBuilder()
                    .putFields("refreshToken", Value.newBuilder().setStringValue(read(REFRESH_TOKEN)).build())
                    .build();
            AuthResponse response = post(authUrl, "/api/auth/refresh", body, deadline);
            if (response.status() == 401 || response.status() == 403) {
                throw new ModerationCli.CliException(ModerationCli.AUTHENTICATION,
                        "the session could not be refreshed (" + response.detail() + "): run `chatmod login`");
            }
            if (response.status() != 200 || !response.body().containsFields("accessToken")) {
                throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR,
                        "refreshing the token failed with HTTP " + response.status() + ": " + response.detail());
            }
            String access = response.string("accessToken");
            store(access, response.string("refreshToken"), authUrl);
            return access;
        }
    }

    /** Whether the JWT's {@code exp} is within {@link #MARGIN} of {@code now}; false if it cannot be read. */
    static boolean expiresSoon(String jwt, Instant now) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            Struct.Builder parsed = Struct.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(claims, parsed);
            Value exp = parsed.getFieldsOrDefault("exp", Value.getDefaultInstance());
            return exp.hasNumberValue() && !Instant.ofEpochSecond((long) exp.getNumberValue()).isAfter(now.plus(MARGIN));
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            // Not a JWT we can read: the server decides.
            return false;
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8).strip();
    }

    /** Written to a temporary file created 0600, then moved in place: a token is never readable by others. */
    private void write(String name, String content) throws IOException {
        Path temporary;
        try {
            temporary = Files.createTempFile(dir, name, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the user's profile directory is private already.
            temporary = Files.createTempFile(dir, name, ".tmp");
        }
        Files.writeString(temporary, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** POSTs JSON to auth-service; a connection failure is exit code 1. */
    static AuthResponse post(URI base, String path, Struct body, Duration deadline) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(deadline)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JsonFormat.printer().print(body)))
                .build();
        HttpClient client = HttpClient.newBuilder().connectTimeout(deadline).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR,
                    "cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModerationCli.CliException(ModerationCli.SERVER_ERROR, "interrupted");
        }
        return new AuthResponse(response.statusCode(), parse(response.body()));
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

    /** auth-service's answer: the status and the JSON body (a token pair, or a problem). */
    record AuthResponse(int status, Struct body) {

        String string(String field) {
            return body.getFieldsOrDefault(field, Value.getDefaultInstance()).getStringValue();
        }

        /** The problem's detail, for error messages. */
        String detail() {
            String detail = string("detail");
            return detail.isEmpty() ? "(no detail)" : detail;
        }
    }
}
