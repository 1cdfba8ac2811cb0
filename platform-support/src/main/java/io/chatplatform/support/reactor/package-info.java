/**
 * Reactor building blocks the services share: {@link io.chatplatform.support.reactor.KeyLanes}, work on a stream side
 * by side across keys and in order within each.
 */
package io.chatplatform.support.reactor;
