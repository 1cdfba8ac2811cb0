/**
 * Scenarios against a running platform, as browsers load it: users registered and logged in over REST, WebSocket
 * clients on {@code /ws} spread over several {@code 127.0.0.x} source addresses, and sends, deliveries and history
 * reads measured with HdrHistogram. Start at {@link io.chatplatform.loadtest.platform.ScenarioCommand} (what every
 * scenario shares) and {@link io.chatplatform.loadtest.platform.Traffic} (sends, acks, deliveries and the seq check);
 * the baselines (a bare Reactor Netty broadcast server, a bare Redis PUBLISH) are in
 * {@link io.chatplatform.loadtest.platform.Baselines}.
 */
package io.chatplatform.loadtest.platform;
