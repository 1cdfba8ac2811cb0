/**
 * Who is calling: {@link io.chatplatform.chat.web.CallerAuthenticationFilter} verifies the bearer token on every
 * {@code /api/**} request and controllers read the user id with {@link io.chatplatform.chat.web.Caller#userId}.
 */
package io.chatplatform.chat.web;
