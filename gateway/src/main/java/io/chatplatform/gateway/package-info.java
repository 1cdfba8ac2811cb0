/**
 * The edge of the platform. Start at {@link io.chatplatform.gateway.GatewayApplication}; routes are in
 * {@code routing}.
 */
package io.chatplatform.gateway;
