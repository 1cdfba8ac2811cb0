package io.chatplatform.websocket;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * websocket-service settings under {@code chat.websocket}.
 *
 * @param allowedOrigins   origins a browser may open {@code /ws} from; a missing or other Origin is refused (403)
 * @param authTimeout      the first frame must be {@code auth} within this, else close 1008
 * @param maxFrameSize     largest inbound frame in bytes; a larger one closes the connection with 1009
 * @param outboundBuffer   frames queued for one connection; a reader that falls this far behind is closed with 1013
 * @param resumeLimit      most entries one {@code resume} replays per conversation before answering
 *                         {@code resume.limited} (the client then pages history over REST)
 * @param chatTarget       chat-service's gRPC address, {@code host:port}
 * @param grpcTimeout      deadline of one call to chat-service
 * @param membershipTtl    how long a room's membership, as learned from chat-service, is trusted without an event
 * @param presenceTtl      how long an instance's claim that a user is online lasts without renewal (renewed every
 *                         third of it): how long a crashed instance's users still look online
 * @param pingInterval     how often the server pings each connection; one that sent nothing (no pong, no frame)
 *                         for two intervals is closed with 1001
 */
@Validated
@ConfigurationProperties("chat.websocket")
public record WebSocketProperties(
        @DefaultValue({"http://localhost:8080", "http://127.0.0.1:8080"}) @NotNull List<String> allowedOrigins,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 100) Duration authTimeout,
        @DefaultValue("65536") @Min(1024) @Max(16_777_216) int maxFrameSize,
        @DefaultValue("1024") @Min(16) @Max(1_000_000) int outboundBuffer,
        @DefaultValue("200") @Min(1) @Max(200) int resumeLimit,
        @DefaultValue("127.0.0.1:9092") @NotBlank String chatTarget,
        @DefaultValue("5s") @NotNull Duration grpcTimeout,
        @DefaultValue("5m") @NotNull Duration membershipTtl,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 100) Duration pingInterval,
        @DefaultValue("60s") @NotNull @DurationMin(seconds = 3) Duration presenceTtl) {
}
