/**
 * Tests of the embedded infrastructure: {@code *IT} start the real servers and talk to them with the same client
 * libraries the services use; {@code *Test} need no servers.
 */
package io.chatplatform.infra;
