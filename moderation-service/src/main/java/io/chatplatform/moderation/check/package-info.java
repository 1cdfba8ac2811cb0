/**
 * Checking messages: {@link io.chatplatform.moderation.check.ChatMessagesConsumer} (asynchronous, Kafka) and
 * {@link io.chatplatform.moderation.check.CheckGrpcService} (synchronous, for pre-moderated rooms) both evaluate with
 * {@link io.chatplatform.moderation.check.RulesEngine} and act with {@link io.chatplatform.moderation.check.Verdicts}.
 */
package io.chatplatform.moderation.check;
