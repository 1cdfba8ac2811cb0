/**
 * Reactor building blocks the services share: {@link io.chatplatform.support.reactor.KeyLanes}, work on a stream side
 * by side across keys and in order within each; {@link io.chatplatform.support.reactor.GroupCommit}, writes that
 * arrive while one is in flight go together in the next.
 */
package io.chatplatform.support.reactor;
