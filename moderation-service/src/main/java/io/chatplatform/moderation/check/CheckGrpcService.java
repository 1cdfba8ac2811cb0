package io.chatplatform.moderation.check;

import io.chatplatform.contracts.moderation.CheckRequest;
import io.chatplatform.contracts.moderation.CheckResponse;
import io.chatplatform.contracts.moderation.ModerationServiceGrpc;
import io.chatplatform.contracts.moderation.Verdict;
import io.chatplatform.moderation.GrpcAnswers;
import io.chatplatform.moderation.events.ModerationEvents;
import io.chatplatform.moderation.flag.FlagStore;
import io.chatplatform.moderation.flag.StoredFlag;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.Locale;
import org.springframework.grpc.server.service.GrpcService;
import reactor.core.publisher.Mono;

/**
 * {@code ModerationService.Check}: a synchronous verdict for pre-moderated rooms from the same rules and the same
 * acting as the asynchronous check. A message whose flag a moderator already decided gets that decision.
 */
@GrpcService
class CheckGrpcService extends ModerationServiceGrpc.ModerationServiceImplBase {

    /** Timer of Check calls from request to answer, tagged {@code verdict} (allow, hold, hide, or error). */
    static final String LATENCY_METRIC = "moderation.check.latency";

    private final RulesEngine engine;
    private final Verdicts verdicts;
    private final FlagStore flags;
    private final MeterRegistry meters;

    CheckGrpcService(RulesEngine engine, Verdicts verdicts, FlagStore flags, MeterRegistry meters) {
        this.engine = engine;
        this.verdicts = verdicts;
        this.flags = flags;
        this.meters = meters;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        Timer.Sample started = Timer.start(meters);
        GrpcAnswers.respond(Mono.defer(() -> verdictFor(request))
                .doOnSuccess(response -> started.stop(latency(response == null ? "error"
                        : response.getVerdict().name().replace("VERDICT_", "").toLowerCase(Locale.ROOT))))
                .doOnError(error -> started.stop(latency("error"))), responses);
    }

    private Timer latency(String verdict) {
        return Timer.builder(LATENCY_METRIC)
                .description("ModerationService.Check calls, from request to answer")
                .tag("verdict", verdict)
                .publishPercentileHistogram()
                .register(meters);
    }

    private Mono<CheckResponse> verdictFor(CheckRequest request) {
        if (request.getText().isEmpty()) {
            return Mono.error(Status.INVALID_ARGUMENT.withDescription("text is required").asRuntimeException());
        }
        if (!request.getMessageId().isEmpty() && request.getSenderUserId().isEmpty()) {
            return Mono.error(Status.INVALID_ARGUMENT.withDescription("sender_user_id is required with message_id")
                    .asRuntimeException());
        }
        Candidate candidate = new Candidate(request.getMessageId(), request.getConversation(), request.getSeq(),
                request.getSenderUserId(), request.getText(),
                request.hasSentAt() ? ModerationEvents.instant(request.getSentAt()) : Instant.now());
        if (!candidate.isStored()) {
            // A text not stored yet: a verdict only, nothing recorded or counted.
            return engine.evaluate(candidate, false).map(evaluation -> response(evaluation.verdict(), evaluation, ""));
        }
        String fact = candidate.messageId();
        return flags.find(ModerationEvents.derivedId("flag", fact))
                .filter(flag -> !StoredFlag.OPEN.equals(flag.status()))
                .map(CheckGrpcService::reviewed)
                .switchIfEmpty(Mono.defer(() -> engine.evaluate(candidate, true)
                        .flatMap(evaluation -> verdicts.act(candidate, fact, evaluation, false)
                                .map(outcome -> response(outcome.verdict(), evaluation, outcome.flagId())))));
    }

    /** A decided flag: approved or dismissed messages are allowed, hidden ones hidden. */
    private static CheckResponse reviewed(StoredFlag flag) {
        Verdict verdict = StoredFlag.HIDDEN.equals(flag.status()) ? Verdict.VERDICT_HIDE : Verdict.VERDICT_ALLOW;
        return CheckResponse.newBuilder().setVerdict(verdict).setFlagId(flag.id()).build();
    }

    private static CheckResponse response(Verdict verdict, Evaluation evaluation, String flagId) {
        return CheckResponse.newBuilder()
                .setVerdict(verdict)
                .addAllReasons(evaluation.reasons())
                .setFlagId(flagId)
                .build();
    }
}
