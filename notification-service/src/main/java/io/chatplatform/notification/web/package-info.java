/** Who is calling: bearer authentication for the REST API ({@link io.chatplatform.notification.web.CallerAuthentication}). */
package io.chatplatform.notification.web;
