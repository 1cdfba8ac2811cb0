/** Who is calling: bearer authentication for the REST API ({@link io.chatplatform.notification.web.CallerAuthentication}) and the shape of validation problems. */
package io.chatplatform.notification.web;
