/**
 * Observability and operations conventions shared by every service; start at {@link PlatformDefaults}.
 */
package io.chatplatform.support.observability;
