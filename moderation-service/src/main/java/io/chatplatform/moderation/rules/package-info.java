/**
 * Moderation rules: how they are stored ({@link io.chatplatform.moderation.rules.StoredRule}), compiled and matched
 * against one text ({@link io.chatplatform.moderation.rules.CompiledRule}, with
 * {@link io.chatplatform.moderation.rules.Normalizer} undoing disguises), and kept current in memory
 * ({@link io.chatplatform.moderation.rules.RuleSet}).
 */
package io.chatplatform.moderation.rules;
