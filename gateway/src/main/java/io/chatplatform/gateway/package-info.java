/**
 * The edge of the platform. Start at {@link io.chatplatform.gateway.GatewayApplication}; routes are in
 * {@code routing}, the headers and limits applied to every request in {@code edge}.
 */
package io.chatplatform.gateway;
