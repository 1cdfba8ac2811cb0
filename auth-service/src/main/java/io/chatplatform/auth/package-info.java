/**
 * Accounts, passwords, tokens, sessions, profiles and account status.
 *
 * <p>Start reading at {@link io.chatplatform.auth.AuthServiceApplication}; feature packages sit beside it.
 */
package io.chatplatform.auth;
