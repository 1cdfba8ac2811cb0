/**
 * What the gateway does to every request before a route sees it: browser security headers
 * ({@link io.chatplatform.gateway.edge.SecurityHeadersFilter}), the request size limit
 * ({@link io.chatplatform.gateway.edge.RequestSizeLimitFilter}) and the per-IP rate limit
 * ({@link io.chatplatform.gateway.edge.IpRateLimitFilter}), each refusal an RFC 9457 problem. Who the client is
 * comes from {@link io.chatplatform.gateway.edge.ForwardedHeaders}; settings are
 * {@link io.chatplatform.gateway.edge.EdgeProperties} ({@code chat.gateway.*}). Start at
 * {@link io.chatplatform.gateway.edge.EdgeConfiguration}.
 */
package io.chatplatform.gateway.edge;
