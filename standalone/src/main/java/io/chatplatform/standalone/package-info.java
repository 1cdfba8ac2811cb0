/**
 * The one-command platform for laptops and demos. Start at {@link io.chatplatform.standalone.StandalonePlatform}.
 */
package io.chatplatform.standalone;
