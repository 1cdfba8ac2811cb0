/**
 * The load generator and benchmark runner. Start at {@link io.chatplatform.loadtest.LoadTest}, the command line; each
 * scenario is a subcommand in its own package ({@code chatsend}: sustained persisted sends into chat-service).
 * {@code measure} holds the open-model rate schedule and the report formatting, {@code server} what starts or
 * authenticates against the system under test. Results and the commands that produced them go to
 * docs/benchmarks.md.
 */
package io.chatplatform.loadtest;
