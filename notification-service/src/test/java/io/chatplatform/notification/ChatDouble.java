package io.chatplatform.notification;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.Member;
import io.chatplatform.contracts.chat.MemberRole;
import io.chatplatform.contracts.chat.MembershipRequest;
import io.chatplatform.contracts.chat.MembershipResponse;
import io.chatplatform.contracts.common.PageInfo;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * chat-service's {@code ChatService.Membership} on a real gRPC server socket: conversations, their members and read
 * markers as a test sets them. Pages of all members hold two members, so paging is exercised.
 */
public final class ChatDouble extends ChatServiceGrpc.ChatServiceImplBase {

    private static final int PAGE = 2;
    private static ChatDouble instance;

    private final Server server;
    private final Map<String, Map<String, Long>> conversations = new ConcurrentHashMap<>();
    private final Map<String, List<MembershipRequest>> asked = new ConcurrentHashMap<>();

    private ChatDouble() {
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(this)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "chat-double-stop"));
    }

    public static synchronized ChatDouble get() {
        if (instance == null) {
            instance = new ChatDouble();
        }
        return instance;
    }

    public int port() {
        return server.getPort();
    }

    /** Creates or replaces a conversation with these members, nothing read. */
    public void conversation(String conversationId, String... userIds) {
        Map<String, Long> members = new LinkedHashMap<>();
        for (String userId : userIds) {
            members.put(userId, 0L);
        }
        conversations.put(conversationId, java.util.Collections.synchronizedMap(members));
    }

    /** Moves a member's read marker. */
    public void read(String conversationId, String userId, long upToSeq) {
        conversations.get(conversationId).put(userId, upToSeq);
    }

    /** The Membership questions asked about a conversation so far, in order. */
    public List<MembershipRequest> asked(String conversationId) {
        return List.copyOf(asked.getOrDefault(conversationId, List.of()));
    }

    @Override
    public void membership(MembershipRequest request, StreamObserver<MembershipResponse> observer) {
        asked.computeIfAbsent(request.getConversation().getId(), id -> new CopyOnWriteArrayList<>()).add(request);
        Map<String, Long> members = conversations.get(request.getConversation().getId());
        if (members == null) {
            observer.onError(Status.NOT_FOUND.withDescription("no such conversation").asRuntimeException());
            return;
        }
        List<Map.Entry<String, Long>> all;
        synchronized (members) {
            all = new ArrayList<>(members.entrySet());
        }
        MembershipResponse.Builder response = MembershipResponse.newBuilder();
        if (!request.getUserIdsList().isEmpty()) {
            all.stream()
                    .filter(member -> request.getUserIdsList().contains(member.getKey()))
                    .forEach(member -> response.addMembers(member(member)));
        } else {
            int from = request.getPage().getCursor().isEmpty() ? 0 : Integer.parseInt(request.getPage().getCursor());
            int to = Math.min(all.size(), from + PAGE);
            all.subList(from, to).forEach(member -> response.addMembers(member(member)));
            response.setPage(PageInfo.newBuilder()
                    .setHasMore(to < all.size())
                    .setNextCursor(to < all.size() ? Integer.toString(to) : ""));
        }
        observer.onNext(response.build());
        observer.onCompleted();
    }

    private static Member member(Map.Entry<String, Long> entry) {
        return Member.newBuilder()
                .setUserId(entry.getKey())
                .setRole(MemberRole.MEMBER_ROLE_MEMBER)
                .setLastReadSeq(entry.getValue())
                .build();
    }
}
