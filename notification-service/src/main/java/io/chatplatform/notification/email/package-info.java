/** Emails: SMTP off the event loop ({@link io.chatplatform.notification.email.Mailer}), the digest and account emails, unsubscribe links. */
package io.chatplatform.notification.email;
