/** What every notification shares: Redis dedupe, dead letters, metrics, the Kafka consumer base and the dev outbox page. */
package io.chatplatform.notification.delivery;
