/**
 * Login sessions and refresh tokens: start at {@link io.chatplatform.auth.session.SessionService} (login, rotation
 * with reuse detection, revocation); {@link io.chatplatform.auth.session.SessionStore} holds the atomic updates.
 */
package io.chatplatform.auth.session;
