package io.chatplatform.websocket.presence;

import io.chatplatform.websocket.chat.ChatClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Who of the users connected here may see a user's presence change: those who share a conversation with them (asked
 * of chat-service). With few users here they are asked about; with many, asking about each would make every change
 * cost this instance's whole user count (at 50,000 connected users, 50 calls of 1,000 for every user who comes or
 * goes), so the user's own contacts are asked for and matched here instead, unless they are even more than that (a
 * member of a huge room): then the users here are asked about after all.
 */
final class PresenceViewers {

    /** The most contacts chat-service lists in one answer. */
    static final int ALL_CONTACTS_LIMIT = 10_000;

    private final ChatClient chat;

    PresenceViewers(ChatClient chat) {
        this.chat = chat;
    }

    /** The users of {@code here} (a live view of the users connected here), {@code userId} aside, who may see them. */
    Mono<Set<String>> among(String userId, Set<String> here) {
        int others = here.size() - (here.contains(userId) ? 1 : 0);
        if (others <= 0) {
            return Mono.just(Set.of());
        }
        if (others <= ChatClient.CONTACTS_PER_CALL) {
            return chat.contacts(userId, without(here, userId));
        }
        return chat.allContacts(userId, ALL_CONTACTS_LIMIT)
                .flatMap(all -> all.isPresent()
                        ? Mono.just(presentOf(all.get(), here, userId))
                        : chat.contacts(userId, without(here, userId)));
    }

    private static List<String> without(Set<String> users, String userId) {
        List<String> rest = new ArrayList<>(users);
        rest.remove(userId);
        return rest;
    }

    private static Set<String> presentOf(Set<String> contacts, Set<String> here, String userId) {
        Set<String> present = new HashSet<>();
        for (String contact : contacts) {
            if (here.contains(contact) && !contact.equals(userId)) {
                present.add(contact);
            }
        }
        return present;
    }
}
