/**
 * REST plumbing: bearer authentication ({@link io.chatplatform.auth.web.AuthenticationFilter}) and the caller's
 * address and user agent ({@link io.chatplatform.auth.web.ClientInfo}).
 */
package io.chatplatform.auth.web;
