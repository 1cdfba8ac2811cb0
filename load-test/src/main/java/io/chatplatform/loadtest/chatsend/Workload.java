package io.chatplatform.loadtest.chatsend;

import java.util.List;

/**
 * Who sends where: {@code users} senders, each a member of one room (user {@code u} is in room {@code u mod rooms}),
 * so every room has about {@code users / rooms} concurrent senders; the owner is in every room and reads them back.
 *
 * @param runId   makes this run's user ids, room names and clientMsgIds unique on a long-lived service
 * @param roomIds the created rooms, in creation order
 * @param users   number of senders
 * @param text    the text every message carries
 */
record Workload(String runId, List<String> roomIds, int users, String text) {

    Workload {
        roomIds = List.copyOf(roomIds);
        if (roomIds.isEmpty() || users < roomIds.size()) {
            throw new IllegalArgumentException("need at least one room and at least as many users as rooms");
        }
    }

    /** The user who created the rooms and is a member of all of them. */
    String ownerId() {
        return ownerId(runId);
    }

    static String ownerId(String runId) {
        return "lt-" + runId + "-owner";
    }

    static String userId(String runId, int user) {
        return "lt-" + runId + "-u" + user;
    }

    String userId(int user) {
        return userId(runId, user);
    }

    /** The room user {@code user} sends into. */
    int roomOf(int user) {
        return user % roomIds.size();
    }

    String clientMsgId(long send) {
        return runId + "-" + send;
    }

    /** A message text of exactly {@code size} characters. */
    static String text(int size) {
        String base = "load test message, fixed text so that every send stores the same number of bytes. ";
        StringBuilder text = new StringBuilder(size);
        while (text.length() < size) {
            text.append(base, 0, Math.min(base.length(), size - text.length()));
        }
        return text.toString();
    }
}
