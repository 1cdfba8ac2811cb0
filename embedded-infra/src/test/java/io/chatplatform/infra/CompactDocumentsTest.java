package io.chatplatform.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

class CompactDocumentsTest {

    private final CompactDocuments compact = new CompactDocuments();

    @Test
    void documentsDecodedApartShareTheirFieldNamesAndShortValues() {
        Document first = compact.compact(message("m1"));
        Document second = compact.compact(message("m2"));

        assertThat(first).isEqualTo(message("m1"));
        assertThat(second).isEqualTo(message("m2"));
        assertThat(keyNamed(first, "conversationId")).isSameAs(keyNamed(second, "conversationId"));
        assertThat(first.get("kind")).isSameAs(second.get("kind"));
        Document firstEvent = (Document) ((List<?>) first.get("pendingEvents")).get(0);
        Document secondEvent = (Document) ((List<?>) second.get("pendingEvents")).get(0);
        assertThat(keyNamed(firstEvent, "type")).isSameAs(keyNamed(secondEvent, "type"));
        assertThat(firstEvent.get("type")).isSameAs(secondEvent.get("type"));
    }

    @Test
    void longValuesAndOtherTypesAreKeptAsTheyCame() {
        String text = copy("a text longer than sixteen characters");
        Long seq = 42L;
        Document document = new Document(copy("text"), text).append(copy("seq"), seq);

        Document compacted = compact.compact(document);

        assertThat(compacted.get("text")).isSameAs(text);
        assertThat(compacted.get("seq")).isSameAs(seq);
    }

    @Test
    void listsStayChangeableInPlace() {
        Document compacted = compact.compact(new Document(copy("mentions"), new ArrayList<>(List.of(copy("u1")))));

        @SuppressWarnings("unchecked")
        List<Object> mentions = (List<Object>) compacted.get("mentions");
        mentions.add("u2");

        assertThat(mentions).containsExactly("u1", "u2");
    }

    @Test
    void thePoolStopsGrowingAtItsBound() {
        for (int i = 0; i < CompactDocuments.MAX_POOLED + 100; i++) {
            compact.compact(new Document(copy("key-" + i), 1));
        }
        String unpooled = copy("key-never-seen");
        Document compacted = compact.compact(new Document(unpooled, 1));

        assertThat(compact.pooled()).isEqualTo(CompactDocuments.MAX_POOLED);
        assertThat(keyNamed(compacted, "key-never-seen")).isSameAs(unpooled);
    }

    /** A stored message as the wire decoder hands it over: every name and value a new string. */
    private static Document message(String id) {
        Document event = new Document(copy("type"), copy("message.created")).append(copy("id"), copy("e-" + id));
        List<Object> events = new ArrayList<>();
        events.add(event);
        return new Document(copy("_id"), copy(id))
                .append(copy("conversationId"), copy("0123456789abcdef01234567"))
                .append(copy("kind"), copy("room"))
                .append(copy("pendingEvents"), events);
    }

    private static String keyNamed(Document document, String name) {
        return document.keySet().stream().filter(name::equals).findFirst().orElseThrow();
    }

    private static String copy(String text) {
        return new String(text.toCharArray());
    }
}
