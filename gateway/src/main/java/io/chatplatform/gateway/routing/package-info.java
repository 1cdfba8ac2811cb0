/**
 * Which public path goes to which service; start at {@link io.chatplatform.gateway.routing.RouteConfiguration}.
 */
package io.chatplatform.gateway.routing;
