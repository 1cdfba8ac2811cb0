package io.chatplatform.chat;

import io.chatplatform.contracts.moderation.CheckRequest;
import io.chatplatform.contracts.moderation.CheckResponse;
import io.chatplatform.contracts.moderation.ModerationServiceGrpc;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.contracts.moderation.VerdictReason;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.chatplatform.support.grpc.ServiceAuthInterceptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for moderation-service's {@code ModerationService.Check} on a real gRPC server socket, until
 * moderation-service exists. The verdict follows the text: {@code [hide]} hides, {@code [hold]} holds for review,
 * {@code [silent]} never answers (the caller's deadline expires) until {@link #answerSilentOnes} is set; anything
 * else is allowed. Like the real server, it refuses calls without the platform's service credentials, so the checks
 * only arrive if chat-service presents them.
 */
public final class ModerationDouble extends ModerationServiceGrpc.ModerationServiceImplBase {

    private final java.util.Map<String, Verdict> reviewed = new java.util.concurrent.ConcurrentHashMap<>();
    private static ModerationDouble instance;

    private final Server server;
    private final List<CheckRequest> checks = new CopyOnWriteArrayList<>();
    private volatile boolean answerSilentOnes;

    private ModerationDouble() {
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(this, new ServiceAuthInterceptor(
                            ChatServiceITSupport.SERVICE_TOKEN, java.util.Set.of(ModerationServiceGrpc.SERVICE_NAME))))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "moderation-double-stop"));
    }

    /** The one instance of the test JVM, started on first use. */
    public static synchronized ModerationDouble get() {
        if (instance == null) {
            instance = new ModerationDouble();
        }
        return instance;
    }

    public int port() {
        return server.getPort();
    }

    /** Every check received, in order. */
    public List<CheckRequest> checks() {
        return checks;
    }

    public void answerSilentOnes(boolean answer) {
        answerSilentOnes = answer;
    }

    /** From now on answers {@code verdict} for the message, as moderation-service does once a moderator decided. */
    public void reviewed(String messageId, Verdict verdict) {
        reviewed.put(messageId, verdict);
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        checks.add(request);
        String text = request.getText();
        if (text.contains("[silent]") && !answerSilentOnes) {
            return;
        }
        Verdict verdict = reviewed.containsKey(request.getMessageId()) ? reviewed.get(request.getMessageId())
                : text.contains("[hide]") ? Verdict.VERDICT_HIDE
                : text.contains("[hold]") ? Verdict.VERDICT_HOLD
                : Verdict.VERDICT_ALLOW;
        CheckResponse.Builder response = CheckResponse.newBuilder().setVerdict(verdict);
        if (verdict != Verdict.VERDICT_ALLOW) {
            response.addReasons(VerdictReason.newBuilder().setCode("keyword").build())
                    .setFlagId("flag-" + request.getMessageId());
        }
        responses.onNext(response.build());
        responses.onCompleted();
    }
}
