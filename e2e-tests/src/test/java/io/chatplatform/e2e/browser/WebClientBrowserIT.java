package io.chatplatform.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.chatplatform.contracts.chat.ChatServiceGrpc;
import io.chatplatform.contracts.chat.HideMessageRequest;
import io.chatplatform.contracts.common.Actor;
import io.chatplatform.contracts.common.ActorKind;
import io.chatplatform.contracts.common.ConversationRef;
import io.chatplatform.e2e.StandalonePlatformIT;
import io.chatplatform.standalone.StandalonePlatform;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The web client in a real browser (the system's headless chromium) against the whole standalone platform: two
 * people register, talk in a DM and a room in real time, see typing and read ticks, come back after being away,
 * survive a dropped connection, and see a moderator-hidden message disappear. Screenshots of the main views are
 * written to target/screenshots. Skipped, with the reason, where chromium is not installed.
 */
@Tag("browser")
class WebClientBrowserIT {

    private static final String PASSWORD = "a long enough password for tests";

    /** Registers as an admin (auth-service's chat.auth.admin-usernames): moderators' view of the client. */
    private static final String MODERATOR = "moderator_" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path dataDir;

    static StandalonePlatform platform;

    @BeforeAll
    static void start() {
        if (!BrowserSupport.chromiumInstalled()) {
            return;
        }
        // Read once by auth-service's context at startup; cleared so other test classes in this JVM never see it.
        System.setProperty("chat.auth.admin-usernames", MODERATOR);
        try {
            platform = StandalonePlatform.start(StandalonePlatformIT.freePorts(dataDir));
        } finally {
            System.clearProperty("chat.auth.admin-usernames");
        }
    }

    /** Each test, not the class, is skipped: reports count a skipped test, where an aborted class shows nothing. */
    @BeforeEach
    void needsChromium() {
        BrowserSupport.assumeChromium();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void twoPeopleChatInRealTimeInADmAndARoom() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = "Lobby " + UUID.randomUUID().toString().substring(0, 6);
        try (Browser a = Browser.open("alice", platform.gatewayUrl());
             Browser b = Browser.open("bob", platform.gatewayUrl())) {
            a.get("/");
            a.await("the sign-in form", d -> d.findElement(By.id("login-form")).isDisplayed());
            a.screenshot("01-sign-in");
            a.register(alice, PASSWORD);
            b.register(bob, PASSWORD);
            a.script("window.alert = () => { window.alerted = true; }");
            b.script("window.alert = () => { window.alerted = true; }");

            // A DM by searching the other person; the message shows at once, then as sent.
            a.startDirectMessage(bob);
            a.send("hello bob");
            a.awaitStored("hello bob");

            // Bob gets it live: the new DM appears in his sidebar with an unread count.
            b.await("the DM with an unread badge", d -> b.sidebarItem(alice) != null
                    && b.sidebarItem(alice).getText().contains("1"));
            b.openConversation(alice);
            b.awaitMessage("hello bob");
            a.awaitMessageStatus("hello bob", "status-read");
            a.await("bob's presence dot online", d -> a.sidebarItem(bob)
                    .findElements(By.cssSelector(".presence.online")).size() == 1);

            // Typing, then the message; the indicator goes when the message arrives.
            b.composer().sendKeys("hi al");
            a.await("bob typing", d -> d.findElement(By.id("typing-indicator")).getText()
                    .equals(bob + " is typing…"));
            b.composer().sendKeys("ice" + Keys.ENTER);
            a.awaitMessage("hi alice");
            a.await("the typing indicator to clear", d -> d.findElement(By.id("typing-indicator")).getText()
                    .isEmpty());

            // Markup in a message is text; links are clickable and safe.
            String markup = "<img src=x onerror=alert(1)>";
            a.send(markup);
            assertThat(b.awaitMessage(markup).get("images")).isEqualTo(0L);
            assertThat(b.driver().findElements(By.cssSelector("#message-list img"))).isEmpty();
            assertThat(a.driver().findElements(By.cssSelector("#message-list img"))).isEmpty();
            assertThat(b.script("return window.alerted === true")).isEqualTo(false);
            a.send("docs at https://example.org/docs.");
            assertThat(b.awaitMessage("docs at https://example.org/docs.").get("links")).isEqualTo(List.of(
                    Map.of("href", "https://example.org/docs", "rel", "noopener noreferrer", "target", "_blank")));

            // Mentions: "@" and the start of a name offers people; Enter takes the highlighted one.
            a.composer().sendKeys("@" + bob.substring(0, 5));
            a.await("the mention suggestions", d -> d.findElement(By.id("mention-list")).isDisplayed()
                    && d.findElement(By.id("mention-list")).getText().contains("@" + bob));
            a.composer().sendKeys(Keys.ENTER);
            assertThat(a.composer().getAttribute("value")).isEqualTo("@" + bob + " ");
            a.composer().sendKeys("look" + Keys.ENTER);
            assertThat(b.awaitMessage("@" + bob + " look").get("mentions")).as("bob's name marked").isEqualTo(1L);

            // Edit and delete own messages; the other side follows.
            a.messageAction("hello bob", "edit");
            a.composer().sendKeys(Keys.chord(Keys.CONTROL, "a"), "hello bob, edited" + Keys.ENTER);
            assertThat((String) b.awaitMessage("hello bob, edited").get("all")).contains("(edited)");
            a.messageAction(markup, "delete");
            a.click(By.id("dialog-submit"));
            b.await("the tombstone", d -> b.messageTexts().contains("This message was deleted.")
                    && !b.messageTexts().contains(markup));

            // Replies quote what they answer.
            b.messageAction("hello bob, edited", "reply");
            b.send("a reply");
            assertThat((String) a.awaitMessage("a reply").get("quote")).contains("hello bob, edited");
            a.screenshot("02-direct-message");

            // A room: created by one, found and joined by the other, messages both ways.
            a.createRoom(room);
            b.joinRoom(room);
            a.send("welcome to the room");
            b.awaitMessage("welcome to the room");
            b.send("thanks!");
            a.awaitMessage("thanks!");
            b.screenshot("03-room");

            // Bob goes away; on coming back (a reload) his session holds and he sees what he missed, once each.
            b.driver().get("about:blank");
            a.await("bob's presence dot offline", d -> a.sidebarItem(bob)
                    .findElements(By.cssSelector(".presence.offline")).size() == 1);
            a.send("missed one");
            a.send("missed two");
            a.awaitStored("missed two");
            b.get("/");
            b.awaitSignedIn();
            b.openConversation("# " + room);
            b.awaitMessage("missed two");
            assertOnce(b, "welcome to the room", "thanks!", "missed one", "missed two");

            // The connection drops: the client says so, keeps what bob sends as pending, reconnects with backoff
            // by itself, resumes, and ends with every message exactly once.
            b.script("""
                    window.RealWebSocket = window.WebSocket;
                    window.WebSocket = function () { throw new Error('network down'); };
                    window.WebSocket.OPEN = 1;
                    window.chatClient.connection.socket.close(4000, 'network down');
                    """);
            b.await("the offline state", d -> d.findElement(By.id("connection-state")).getText()
                    .startsWith("Offline: reconnecting in"));
            a.send("during the outage 1");
            a.send("during the outage 2");
            b.send("queued while offline");
            b.awaitMessageStatus("queued while offline", "status-pending");
            a.awaitStored("during the outage 2");
            b.script("window.WebSocket = window.RealWebSocket;");
            b.awaitConnected();
            b.awaitMessage("during the outage 2");
            a.awaitMessage("queued while offline");
            b.awaitStored("queued while offline");
            assertOnce(b, "missed two", "during the outage 1", "during the outage 2", "queued while offline");
            assertOnce(a, "during the outage 2", "queued while offline");

            // A moderator hides a message: its text disappears for both, a placeholder stays.
            a.send("this will be hidden");
            String messageId = (String) b.awaitMessage("this will be hidden").get("key");
            String roomId = ((String) b.script("return location.hash")).replace("#/c/", "");
            hide(roomId, messageId);
            for (Browser browser : List.of(a, b)) {
                browser.await("the hidden placeholder", d -> browser.messageTexts()
                        .contains("This message was hidden by a moderator.")
                        && !browser.messageTexts().contains("this will be hidden"));
            }

            // Members may report others' messages; a moderator also sees the hidden message marked and can hide
            // messages and block senders from the UI.
            assertThat(b.message("welcome to the room").get("actions")).isEqualTo(List.of("reply", "report"));
            try (Browser m = Browser.open("moderator", platform.gatewayUrl())) {
                m.register(MODERATOR, PASSWORD);
                m.joinRoom(room);
                m.await("the hidden message marked for moderators", d -> m.messageTexts()
                        .contains("Hidden by moderation (moderator view)."));
                assertThat(m.message("welcome to the room").get("actions"))
                        .isEqualTo(List.of("reply", "delete", "report", "hide", "block"));
                m.screenshot("04-moderator-view");
            }

            a.get("/#/settings");
            a.await("the settings page", d -> d.findElement(By.id("settings-view")).isDisplayed());
            a.screenshot("05-settings");
            assertThat((Object) a.script("return window.alerted === true")).isEqualTo(false);
        }
    }

    @Test
    void historyLoadsUpwardOnScrollOnAPhoneSizedScreen() {
        Rest rest = new Rest(platform.gatewayUrl());
        String carol = unique("carol");
        String dave = unique("dave");
        String carolToken = rest.register(carol);
        String daveToken = rest.register(dave);
        String daveId = rest.me(daveToken);
        String dmId = rest.openDm(carolToken, daveId);
        // More than one page (50): each of them under the per-user send limit (30 per 10 s).
        for (int i = 1; i <= 28; i++) {
            rest.send(carolToken, dmId, "carol " + i);
            rest.send(daveToken, dmId, "dave " + i);
        }
        try (Browser phone = Browser.openPhone("carol", platform.gatewayUrl())) {
            phone.login(carol, PASSWORD);
            phone.screenshot("06-phone-conversations");
            phone.openConversation(dave);
            assertThat(phone.driver().findElement(By.id("sidebar")).isDisplayed())
                    .as("one column on a phone").isFalse();
            phone.awaitMessage("dave 28");
            assertThat(phone.messageTexts()).doesNotContain("carol 1").hasSize(50);
            phone.screenshot("07-phone-conversation");

            phone.script("document.getElementById('message-scroller').scrollTop = 0");
            phone.await("the first page", d -> phone.messageTexts().contains("carol 1"));
            assertThat(phone.messageTexts()).hasSize(56).startsWith("carol 1", "dave 1", "carol 2")
                    .endsWith("dave 28");
            // Over the send limit (30 per 10 s): refused sends show "Not sent" with Retry, and a retry once the
            // window has passed is stored; nothing is lost, nothing doubled. 61 in one burst: at least one is refused
            // even if the burst straddles two windows.
            phone.script("""
                    const box = document.getElementById('composer-text');
                    const form = document.getElementById('composer');
                    for (let i = 1; i <= 61; i++) {
                      box.value = 'burst ' + i;
                      form.requestSubmit();
                    }""");
            String refused = phone.await("a refused send", d -> phone.messageTexts().stream()
                    .filter(text -> text.startsWith("burst "))
                    .filter(text -> String.valueOf(phone.message(text).get("status")).contains("status-failed"))
                    .findFirst().orElse(null));
            assertThat((String) phone.message(refused).get("all")).contains("Not sent").contains("Retry");
            phone.await("the retried send stored", d -> {
                String status = String.valueOf(phone.message(refused).get("status"));
                if (status.contains("status-failed")) {
                    phone.messageAction(refused, "retry");
                }
                return status.contains("status-sent") || status.contains("status-delivered")
                        || status.contains("status-read");
            });
            assertThat(phone.messageTexts()).containsOnlyOnce(refused);
            phone.click(By.id("back-button"));
            phone.await("the conversation list", d -> d.findElement(By.id("sidebar")).isDisplayed());
        }
    }

    // --------------------------------------------------------------------------------------------------------------

    private static void assertOnce(Browser browser, String... texts) {
        List<String> shown = browser.messageTexts();
        for (String text : texts) {
            assertThat(Collections.frequency(shown, text)).as("'%s' shown once in %s", text, shown).isEqualTo(1);
        }
    }

    /** What moderation-service does on a hide verdict: chat-service's gRPC HideMessage. */
    private static void hide(String conversationId, String messageId) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", platform.ports().chatGrpc())
                .usePlaintext().build();
        try {
            // As moderation-service does, with the platform's service credentials.
            io.chatplatform.support.grpc.ServiceCredentials.attach(ChatServiceGrpc.newBlockingStub(channel),
                            platform.serviceToken())
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .hideMessage(HideMessageRequest.newBuilder()
                            .setConversation(ConversationRef.newBuilder().setId(conversationId))
                            .setMessageId(messageId)
                            .setReason("abuse")
                            .setModerator(Actor.newBuilder().setKind(ActorKind.ACTOR_KIND_MODERATOR)
                                    .setUserId("moderator-1"))
                            .build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String unique(String name) {
        return name + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The REST calls a test needs to prepare data a person would otherwise type in for a long time. */
    private record Rest(WebTestClient client) {

        Rest(String baseUrl) {
            this(WebTestClient.bindToServer().baseUrl(baseUrl).responseTimeout(Duration.ofSeconds(30)).build());
        }

        String register(String username) {
            client.post().uri("/api/auth/register").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("username", username, "email", username + "@example.org", "password", PASSWORD))
                    .exchange().expectStatus().isCreated();
            return (String) post(null, "/api/auth/login", Map.of("login", username, "password", PASSWORD))
                    .get("accessToken");
        }

        String me(String token) {
            return (String) client.get().uri("/api/users/me").header("Authorization", "Bearer " + token)
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("id");
        }

        String openDm(String token, String userId) {
            return (String) post(token, "/api/dm/" + userId, Map.of()).get("id");
        }

        void send(String token, String conversationId, String text) {
            post(token, "/api/conversations/" + conversationId + "/messages",
                    Map.of("clientMsgId", UUID.randomUUID().toString(), "text", text));
        }

        private Map<?, ?> post(String token, String path, Map<String, ?> body) {
            return client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                    .headers(headers -> {
                        if (token != null) {
                            headers.setBearerAuth(token);
                        }
                    })
                    .bodyValue(body)
                    .exchange().expectStatus().is2xxSuccessful()
                    .expectBody(Map.class).returnResult().getResponseBody();
        }
    }
}
