package io.chatplatform.chat.conversation;

import io.chatplatform.chat.message.MessageEvents;
import io.chatplatform.chat.outbox.PendingEvent;
import io.chatplatform.contracts.chat.ModerationMode;
import io.chatplatform.contracts.chat.Room;
import io.chatplatform.contracts.chat.RoomVisibility;
import io.chatplatform.contracts.events.RoomCreated;
import io.chatplatform.contracts.events.RoomDeleted;
import io.chatplatform.contracts.events.RoomUpdated;
import java.time.Instant;
import java.util.List;

/** The room events stored in a room's outbox: {@code room.created}, {@code room.updated}, {@code room.deleted}. */
final class RoomEvents {

    private RoomEvents() {
    }

    static PendingEvent created(Conversation room) {
        return MessageEvents.pending(MessageEvents.envelope(room.id(), room.createdAt())
                .setRoomCreated(RoomCreated.newBuilder().setRoom(toProto(room, room.createdAt())))
                .build());
    }

    static PendingEvent updated(Conversation room, String actorId, List<String> changedFields, Instant at) {
        return MessageEvents.pending(MessageEvents.envelope(room.id(), at)
                .setRoomUpdated(RoomUpdated.newBuilder()
                        .setRoom(toProto(room, at))
                        .setActorUserId(actorId)
                        .addAllChangedFields(changedFields))
                .build());
    }

    static PendingEvent deleted(Conversation room, String actorId, Instant at) {
        return MessageEvents.pending(MessageEvents.envelope(room.id(), at)
                .setRoomDeleted(RoomDeleted.newBuilder()
                        .setRoomId(room.id())
                        .setActorUserId(actorId)
                        .setAt(MessageEvents.timestamp(at)))
                .build());
    }

    private static Room toProto(Conversation room, Instant updatedAt) {
        return Room.newBuilder()
                .setRoomId(room.id())
                .setName(room.name())
                .setTopic(room.topic() == null ? "" : room.topic())
                .setVisibility(room.isPublic() ? RoomVisibility.ROOM_VISIBILITY_PUBLIC
                        : RoomVisibility.ROOM_VISIBILITY_PRIVATE)
                .setModerationMode(room.isPreModerated() ? ModerationMode.MODERATION_MODE_PRE
                        : ModerationMode.MODERATION_MODE_POST)
                .setCreatedByUserId(room.createdBy())
                .setCreatedAt(MessageEvents.timestamp(room.createdAt()))
                .setUpdatedAt(MessageEvents.timestamp(updatedAt))
                .build();
    }
}
