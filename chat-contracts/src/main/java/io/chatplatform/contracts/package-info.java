/**
 * The platform's shared contracts: the names of Kafka topics and Redis channels ({@link io.chatplatform.contracts.Topics})
 * and event type strings ({@link io.chatplatform.contracts.EventTypes}), next to the classes generated from the
 * {@code .proto} files under {@code src/main/protobuf/chatplatform}.
 *
 * <p>Start reading at {@code events/v1/envelope.proto} for what travels on Kafka and Redis, and at the
 * {@code *_service.proto} files for the gRPC APIs. Generated code lives in the sub-packages {@code common},
 * {@code events}, {@code auth}, {@code chat} and {@code moderation}.
 */
package io.chatplatform.contracts;
