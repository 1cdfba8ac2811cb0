/**
 * Answers kept in memory instead of read per request: {@link io.chatplatform.support.cache.SetSnapshot}, a small set
 * of ids read whole and never older than a given age.
 */
package io.chatplatform.support.cache;
