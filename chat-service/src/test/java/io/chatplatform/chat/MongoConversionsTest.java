package io.chatplatform.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.chat.message.StoredMessage;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** chat-service's document conversions read log entries with the hand-written reader. */
class MongoConversionsTest {

    @Test
    void logEntriesAreReadByTheHandWrittenReader() {
        assertThat(new MongoConversions().mongoCustomConversions()
                .hasCustomReadTarget(Document.class, StoredMessage.class)).isTrue();
    }
}
