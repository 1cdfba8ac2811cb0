/**
 * The moderators' gRPC admin command line. Start at {@link io.chatplatform.cli.ModerationCli}; each subcommand
 * is a class of its own.
 */
package io.chatplatform.cli;
