/** REST for the web client: user reports and the moderators' hide and block endpoints. */
package io.chatplatform.moderation.web;
