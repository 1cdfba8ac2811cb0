/**
 * Accounts: start at {@link io.chatplatform.auth.account.AccountService} (registration, email verification,
 * password reset, roles, account status). {@link io.chatplatform.auth.account.UserStore} holds every MongoDB
 * operation on {@code users}; passwords are BCrypt ({@link io.chatplatform.auth.account.PasswordHasher}) and checked
 * against a common-password list ({@link io.chatplatform.auth.account.AcceptablePassword}).
 */
package io.chatplatform.auth.account;
