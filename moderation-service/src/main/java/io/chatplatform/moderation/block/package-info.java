/**
 * Blocking users: {@link io.chatplatform.moderation.block.BlockService} (through auth-service), timed blocks lifted by
 * {@link io.chatplatform.moderation.block.BlockExpiry}, and strikes that lead to blocks.
 */
package io.chatplatform.moderation.block;
