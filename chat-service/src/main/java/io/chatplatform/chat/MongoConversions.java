package io.chatplatform.chat;

import io.chatplatform.chat.message.StoredMessageReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;

/**
 * The document conversions chat-service adds to Spring Data's: a hand-written reader for the entries of the message
 * log, the documents it reads most ({@link StoredMessageReader}). Replaces Boot's default conversions, which add
 * nothing but the {@code spring.data.mongodb.representation} settings, unused here.
 */
@Configuration(proxyBeanMethods = false)
class MongoConversions {

    @Bean
    MongoCustomConversions mongoCustomConversions() {
        return MongoCustomConversions.create(conversions -> conversions.registerConverter(new StoredMessageReader()));
    }
}
