/**
 * The load generator and benchmark runner: WebSocket clients spread over several 127.0.0.x source addresses,
 * HdrHistogram latencies from send to each receipt, and the raw baselines (bare Reactor Netty broadcast, bare Redis
 * publish) measured in the same run. Results and the commands that produced them go to docs/benchmarks.md.
 *
 * <p>The module holds its dependencies only so far; the scenarios arrive with the performance work.
 */
package io.chatplatform.loadtest;
