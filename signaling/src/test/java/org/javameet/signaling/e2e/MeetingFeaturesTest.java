package org.javameet.signaling.e2e;

import static org.javameet.signaling.e2e.Browsers.awaitJs;
import static org.javameet.signaling.e2e.Browsers.awaitState;
import static org.javameet.signaling.e2e.Browsers.js;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ClientConfig;
import org.javameet.signaling.config.ConfigException;
import org.javameet.signaling.config.InterfaceConfig;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Issue 5's meeting features in real headless Chromium against the real server: prejoin with devices off,
 * chat, screen share, moderation, lobby, room password, tokens and the config flags, plus the screenshots
 * described in docs/web-client.md (written to target/screenshots/). At most four browsers run at a time.
 *
 * <p>Browsers find what they test through the page's test hook ({@code window.javameet}, documented in
 * app.js) and the stable element ids of docs/web-client.md.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
@Timeout(180)
class MeetingFeaturesTest {

    private static final Duration JOIN = Duration.ofSeconds(40);
    private static final Duration SOON = Duration.ofSeconds(15);
    private static final String SECRET = "test-secret-for-hs256-at-least-32-bytes!";

    private static JavameetServer server;

    @BeforeAll
    static void startServer() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        server = start(ServerConfig.defaults());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void prejoinWithDevicesOffJoinsMutedAndOthersSeeIt() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver ada = browsers.open();
            ada.get(base(server) + "/Prejoin-room");
            awaitState(ada, "prejoin", JOIN);
            awaitJs(ada, "Join enabled", JOIN, "return !document.getElementById('join-button').disabled");
            WebElement name = ada.findElement(By.id("display-name"));
            name.clear();
            name.sendKeys("Ada");
            awaitJs(ada, "camera preview playing", SOON, "return document.getElementById('preview-video').videoWidth > 0");
            try { // Chromium's fake microphone beeps: catch the meter while it shows a level
                awaitJs(ada, "mic level shown", Duration.ofSeconds(5),
                        "return Number(document.querySelector('.meter').getAttribute('aria-valuenow')) >= 30");
            } catch (AssertionError quiet) {
                System.out.println("[e2e] prejoin screenshot without a mic level");
            }
            Browsers.screenshot(ada, "prejoin");

            click(ada, By.id("prejoin-toggle-mic"));
            click(ada, By.id("prejoin-toggle-camera"));
            assertTrue(ada.findElement(By.id("prejoin-toggle-mic")).getAttribute("class").contains("off"));
            click(ada, By.id("join-button"));
            awaitState(ada, "joined", JOIN);
            Map<String, Object> me = self(ada);
            assertEquals("Ada", me.get("displayName"));
            assertEquals(true, me.get("audioMuted"));
            assertEquals(true, me.get("videoMuted"));
            String adaId = id(ada);

            WebDriver bob = joinDirect(browsers, server, "Prejoin-room", "Bob");
            awaitState(bob, "joined", JOIN);
            awaitJs(bob, "Bob sees Ada muted with her camera off", SOON,
                    "const p = window.javameet.participants().find(p => p.id === arguments[0]);"
                            + "return !!p && p.displayName === 'Ada' && p.audioMuted && p.videoMuted", adaId);
            // the tile says so: mic-off icon shown, avatar instead of video
            assertFalse(bob.findElement(By.cssSelector("#tile-" + adaId + " .tile-mic-off")).getAttribute("class").contains("gone"));
            assertTrue(bob.findElement(By.cssSelector("#tile-" + adaId + " .avatar")).isDisplayed());
        }
    }

    @Test
    void chatIsDeliveredWithTheSendersNameAndFlaggedWhileClosed() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver ada = joinDirect(browsers, server, "Chat-room", "Ada");
            WebDriver bob = joinDirect(browsers, server, "Chat-room", "Bob");
            awaitState(ada, "joined", JOIN);
            awaitState(bob, "joined", JOIN);
            awaitJs(ada, "Ada sees Bob", SOON, "return window.javameet.participants().length === 2");

            click(ada, By.id("toggle-chat"));
            WebElement input = ada.findElement(By.id("chat-input"));
            input.sendKeys("Hello from Ada <b>not bold</b>", Keys.ENTER); // Enter sends
            awaitJs(bob, "Bob receives Ada's message", SOON,
                    "return window.javameet.chatMessages().some(m => m.displayName === 'Ada'"
                            + " && m.text === 'Hello from Ada <b>not bold</b>' && !m.local)");
            assertEquals(1L, js(bob, "return window.javameet.chatUnread"));
            assertTrue(bob.findElement(By.id("chat-unread")).isDisplayed());
            // text is text, never markup
            assertTrue(ada.findElements(By.cssSelector("#chat-messages b")).isEmpty());

            // C opens the chat (not while typing), which clears the unread badge
            new Actions(bob).sendKeys("c").perform();
            awaitJs(bob, "chat open, badge cleared", SOON,
                    "return !document.getElementById('chat-panel').hidden && window.javameet.chatUnread === 0");
            bob.findElement(By.id("chat-input")).sendKeys("Hi Ada");
            click(bob, By.id("chat-send"));
            awaitJs(ada, "Ada receives Bob's reply", SOON,
                    "return window.javameet.chatMessages().some(m => m.displayName === 'Bob' && m.text === 'Hi Ada')");
            // typing "m" in the chat box did not mute; M outside an input does
            bob.findElement(By.id("chat-input")).sendKeys("m");
            assertEquals(false, self(bob).get("audioMuted"));
            bob.findElement(By.id("chat-input")).sendKeys(Keys.ESCAPE);
            js(bob, "document.activeElement.blur()");
            new Actions(bob).sendKeys("m").perform();
            String bobId = id(bob);
            awaitJs(ada, "Ada sees Bob muted by his M key", SOON,
                    "const p = window.javameet.participants().find(p => p.id === arguments[0]); return !!p && p.audioMuted", bobId);
        }
    }

    @Test
    void screenShareIsSeenLargeByAnotherParticipant() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver ada = joinDirect(browsers, server, "Share-room", "Ada");
            WebDriver bob = joinDirect(browsers, server, "Share-room", "Bob");
            awaitState(ada, "joined", JOIN);
            awaitState(bob, "joined", JOIN);
            String adaId = id(ada);
            awaitJs(bob, "Bob decodes Ada's camera", JOIN,
                    "const v = document.querySelector('#tile-' + arguments[0] + ' video'); return !!v && v.videoWidth > 0", adaId);

            // getDisplayMedia needs a user gesture: a real click. Chromium's fake capture device
            // (--use-fake-device-for-media-stream) stands in for the screen; the prompt is auto-accepted.
            click(ada, By.id("toggle-screen"));
            awaitJs(ada, "Ada is sharing", SOON, "return window.javameet.screenSharing === true");
            awaitJs(bob, "Bob shows Ada's screen in the spotlight", JOIN,
                    "return window.javameet.spotlight === arguments[0]"
                            + " && document.getElementById('spotlight-video').videoWidth > 0", adaId);
            // the camera goes on next to it: two videos decoded from Ada
            awaitJs(bob, "Ada's camera still decoded", SOON,
                    "const v = document.querySelector('#tile-' + arguments[0] + ' video'); return v.videoWidth > 0", adaId);
            Thread.sleep(1000);
            Browsers.screenshot(bob, "screen-share");

            click(ada, By.id("toggle-screen"));
            awaitJs(bob, "spotlight gone after Ada stops sharing", JOIN, "return window.javameet.spotlight === null");
            assertEquals(false, js(ada, "return window.javameet.screenSharing"));
        }
    }

    @Test
    void moderatorMutesEveryoneAndKicks() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver mod = joinDirect(browsers, server, "Moderation-room", "Mod");
            awaitState(mod, "joined", JOIN);
            WebDriver bob = joinDirect(browsers, server, "Moderation-room", "Bob");
            WebDriver eve = joinDirect(browsers, server, "Moderation-room", "Eve");
            awaitState(bob, "joined", JOIN);
            awaitState(eve, "joined", JOIN);
            String bobId = id(bob);
            String eveId = id(eve);
            assertEquals(true, js(mod, "return window.javameet.moderator"));
            assertEquals(false, js(bob, "return window.javameet.moderator"));
            awaitJs(mod, "moderator sees 3", SOON, "return window.javameet.participants().length === 3");

            // Bob raises his hand: the moderator sees the badge on his tile and in the list
            click(bob, By.id("toggle-hand"));
            assertEquals(true, js(bob, "return window.javameet.handRaised"));
            awaitJs(mod, "Bob's hand seen", SOON,
                    "const p = window.javameet.participants().find(p => p.id === arguments[0]); return !!p && p.handRaised", bobId);
            assertTrue(mod.findElement(By.cssSelector("#tile-" + bobId + " .tile-hand")).isDisplayed());

            // non-moderators get no moderator buttons
            click(bob, By.id("toggle-participants"));
            assertTrue(bob.findElements(By.cssSelector("[data-action=\"kick\"]")).isEmpty());
            assertFalse(bob.findElement(By.id("mute-all")).isDisplayed());

            click(mod, By.id("toggle-participants"));
            // Eve's id is read again while waiting: on a loaded machine her client may have reconnected
            // (a legitimate rejoin under a new id), which must not fail the moderation checks
            String[] eveNow = {eveId};
            Browsers.await("kick button for Eve", SOON, () -> {
                eveNow[0] = id(eve);
                return Boolean.TRUE.equals(js(mod, "return !!document.querySelector('[data-action=\"kick\"]"
                        + "[data-participant-id=\"' + arguments[0] + '\"]')", eveNow[0]));
            });
            String eveKicked = eveNow[0];
            click(mod, By.id("mute-all"));
            for (WebDriver d : List.of(bob, eve)) {
                awaitJs(d, "muted by the moderator", SOON,
                        "return window.javameet.participants()[0].audioMuted === true"
                                + " && [...document.querySelectorAll('.toast')].some(t => t.textContent === 'Mod muted you')");
            }
            awaitJs(mod, "moderator sees both muted", SOON,
                    "return window.javameet.participants().filter(p => !p.local).every(p => p.audioMuted)");

            click(mod, By.cssSelector("[data-action=\"kick\"][data-participant-id=\"" + eveKicked + "\"]"));
            awaitJs(eve, "Eve sees the removed page", SOON, "return window.javameet.errorCode === 'kicked'");
            assertEquals("You were removed from the meeting", eve.findElement(By.id("error-title")).getText());
            for (WebDriver d : List.of(mod, bob)) {
                awaitJs(d, "Eve's tile gone", SOON, "return !document.getElementById('tile-' + arguments[0])", eveKicked);
            }
        }
    }

    @Test
    void lobbyAdmitsAndDenies() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver mod = joinDirect(browsers, server, "Lobby-room", "Mod");
            awaitState(mod, "joined", JOIN);
            click(mod, By.id("toggle-participants"));
            click(mod, By.id("lobby-toggle"));
            awaitJs(mod, "lobby on", SOON, "return window.javameet.lobby.enabled === true");

            WebDriver ann = joinDirect(browsers, server, "Lobby-room", "Ann");
            awaitState(ann, "lobby", JOIN);
            assertEquals(true, js(ann, "return window.javameet.lobby.waiting"));
            assertTrue(ann.findElement(By.id("view-lobby")).isDisplayed());
            awaitJs(mod, "Ann's request shown", SOON,
                    "return window.javameet.lobby.requests.some(r => r.displayName === 'Ann')");
            String annRequest = (String) js(mod,
                    "return window.javameet.lobby.requests.find(r => r.displayName === 'Ann').requestId");
            Browsers.screenshot(mod, "lobby-request");
            click(mod, By.id("lobby-admit-" + annRequest));
            awaitState(ann, "joined", JOIN);
            awaitJs(mod, "Ann in the meeting", SOON,
                    "return window.javameet.participants().some(p => p.displayName === 'Ann')");

            WebDriver max = joinDirect(browsers, server, "Lobby-room", "Max");
            awaitState(max, "lobby", JOIN);
            awaitJs(mod, "Max's request shown", SOON,
                    "return window.javameet.lobby.requests.some(r => r.displayName === 'Max')");
            String maxRequest = (String) js(mod,
                    "return window.javameet.lobby.requests.find(r => r.displayName === 'Max').requestId");
            click(mod, By.id("lobby-deny-" + maxRequest));
            awaitJs(max, "Max refused", SOON, "return window.javameet.errorCode === 'lobby-denied'");
            assertEquals("You were not let in", max.findElement(By.id("error-title")).getText());
            assertFalse((Boolean) js(mod, "return window.javameet.participants().some(p => p.displayName === 'Max')"));
        }
    }

    @Test
    void wrongPasswordIsRefusedAndTheRightOneLetsIn() throws Exception {
        try (Browsers browsers = new Browsers()) {
            WebDriver mod = joinDirect(browsers, server, "Locked-room", "Mod");
            awaitState(mod, "joined", JOIN);
            click(mod, By.id("toggle-participants"));
            mod.findElement(By.id("room-password-input")).sendKeys("open sesame");
            click(mod, By.id("room-password-set"));
            awaitJs(mod, "room locked", SOON, "return window.javameet.roomState.locked === true");

            WebDriver bob = joinDirect(browsers, server, "Locked-room", "Bob");
            awaitState(bob, "password", JOIN);
            bob.findElement(By.id("password-input")).sendKeys("wrong");
            click(bob, By.id("password-submit"));
            awaitJs(bob, "wrong password said", SOON,
                    "return window.javameet.state === 'password' && !document.getElementById('password-error').hidden");
            assertEquals(1L, js(mod, "return window.javameet.participants().length"), "no participant for a wrong password");

            bob.findElement(By.id("password-input")).sendKeys("open sesame");
            click(bob, By.id("password-submit"));
            awaitState(bob, "joined", JOIN);
            awaitJs(mod, "Bob in", SOON, "return window.javameet.participants().some(p => p.displayName === 'Bob')");
        }
    }

    @Test
    void validTokenJoinsAsTheNamedModerator() throws Exception {
        try (JavameetServer tokenServer = start(tokenConfig()); Browsers browsers = new Browsers()) {
            long exp = System.currentTimeMillis() / 1000 + 3600;
            String jwt = hs256("{\"room\":\"Token-room\",\"moderator\":true,\"exp\":" + exp
                    + ",\"context\":{\"user\":{\"name\":\"Grace\"}}}");
            WebDriver grace = browsers.open();
            grace.get(base(tokenServer) + "/Token-room?jwt=" + URLEncoder.encode(jwt, StandardCharsets.UTF_8)
                    + "#config.prejoinPageEnabled=false");
            awaitState(grace, "joined", JOIN);
            // the token left the address bar (bookmarks, shared links, later requests); the hash stayed
            assertEquals(base(tokenServer) + "/Token-room#config.prejoinPageEnabled=false", grace.getCurrentUrl());
            assertEquals("Grace", self(grace).get("displayName"));
            assertEquals(true, js(grace, "return window.javameet.moderator"));

            // without a token the same server says sign-in is needed
            WebDriver guest = browsers.open();
            guest.get(base(tokenServer) + "/Token-room#config.prejoinPageEnabled=false");
            awaitJs(guest, "auth-required page", JOIN, "return window.javameet.errorCode === 'auth-required'");
            assertEquals("Sign-in required", guest.findElement(By.id("error-title")).getText());
        }
    }

    /** A session ends when its token expires (exp + the 30 s leeway): a page that says so, no reconnecting. */
    @Test
    void aTokenThatExpiresEndsTheMeetingWithAClearPage() throws Exception {
        try (JavameetServer tokenServer = start(tokenConfig()); Browsers browsers = new Browsers()) {
            long exp = System.currentTimeMillis() / 1000 + 5;
            String jwt = hs256("{\"room\":\"Token-room\",\"exp\":" + exp + ",\"context\":{\"user\":{\"name\":\"Brief\"}}}");
            WebDriver brief = browsers.open();
            brief.get(base(tokenServer) + "/Token-room?jwt=" + jwt + "#config.prejoinPageEnabled=false");
            awaitState(brief, "joined", JOIN);
            awaitJs(brief, "token-expired page", Duration.ofSeconds(120),
                    "return window.javameet.errorCode === 'token-expired'");
            assertEquals("Your access link has expired", brief.findElement(By.id("error-title")).getText());
            long deadline = System.nanoTime() + SOON.toNanos();
            while (tokenServer.rooms().participantCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, tokenServer.rooms().participantCount(), "the server dropped the participant");
        }
    }

    @Test
    void expiredTokenIsRefusedWithAClearPage() throws Exception {
        try (JavameetServer tokenServer = start(tokenConfig()); Browsers browsers = new Browsers()) {
            long exp = System.currentTimeMillis() / 1000 - 600;
            String jwt = hs256("{\"room\":\"Token-room\",\"exp\":" + exp + ",\"context\":{\"user\":{\"name\":\"Late\"}}}");
            WebDriver late = browsers.open();
            late.get(base(tokenServer) + "/Token-room?jwt=" + jwt + "#config.prejoinPageEnabled=false");
            awaitJs(late, "bad-token page", JOIN, "return window.javameet.errorCode === 'bad-token'");
            assertEquals("Your access link is not valid", late.findElement(By.id("error-title")).getText());
            assertTrue(late.findElement(By.id("error-text")).getText().toLowerCase().contains("expired"),
                    "the page says the token expired: " + late.findElement(By.id("error-text")).getText());
        }
    }

    @Test
    void configFlagsChangeWhatThePageShows() throws Exception {
        ServerConfig branded = ServerConfig.defaults().toBuilder()
                .client(new ClientConfig(false, true, true, false, false, false, true, "all"))
                .interfaceConfig(new InterfaceConfig("AcmeMeet", false, "", "Meetings, the Acme way.")).build();
        try (JavameetServer brandedServer = start(branded); Browsers browsers = new Browsers()) {
            WebDriver d = browsers.open();
            d.get(base(brandedServer) + "/");
            awaitJs(d, "welcome page branded", JOIN,
                    "return document.getElementById('welcome-title').textContent === 'AcmeMeet'");
            assertEquals("Meetings, the Acme way.", d.findElement(By.id("welcome-text")).getText());
            assertEquals("AcmeMeet", d.getTitle());

            // prejoinPageEnabled=false: straight into the meeting; startWithAudioMuted: muted;
            // showWatermark=false: no watermark; disableModeratorIndicator: no star though moderator
            d.get(base(brandedServer) + "/Flags-room#userInfo.displayName=%22Ada%22");
            awaitState(d, "joined", JOIN);
            assertEquals(true, self(d).get("audioMuted"));
            assertEquals(false, self(d).get("videoMuted"));
            assertFalse(d.findElement(By.id("watermark")).isDisplayed());
            assertEquals("AcmeMeet", d.findElement(By.id("app-name")).getText());
            assertEquals("Flags-room | AcmeMeet", d.getTitle());
            assertEquals(true, js(d, "return window.javameet.moderator"));
            assertFalse(d.findElement(By.cssSelector("#tile-" + id(d) + " .tile-moderator")).isDisplayed());
            click(d, By.id("toggle-participants"));
            assertTrue(d.findElements(By.cssSelector("#participants-list .row-moderator")).isEmpty());
        }
        // and the defaults: prejoin page shown, watermark shown
        try (Browsers browsers = new Browsers()) {
            WebDriver d = browsers.open();
            d.get(base(server) + "/Defaults-room");
            awaitState(d, "prejoin", JOIN);
            assertEquals("javameet", d.findElement(By.id("app-name")).getText());
        }
    }

    @Test
    @Timeout(300)
    void fourPeopleMeetAndScreenshotsAreTaken() throws Exception {
        try (Browsers browsers = new Browsers()) {
            String room = "Team-standup";
            WebDriver ada = joinDirect(browsers, server, room, "Ada Lovelace");
            awaitState(ada, "joined", JOIN);
            WebDriver grace = joinDirect(browsers, server, room, "Grace Hopper");
            WebDriver alan = joinDirect(browsers, server, room, "Alan Turing");
            WebDriver edsger = browsers.open(390, 844); // a phone
            edsger.get(base(server) + "/" + room + "#config.prejoinPageEnabled=false&config.startWithVideoMuted=true"
                    + "&userInfo.displayName=%22Edsger%20Dijkstra%22");
            List<WebDriver> all = List.of(ada, grace, alan, edsger);
            for (WebDriver d : all) {
                awaitState(d, "joined", JOIN);
            }
            awaitJs(ada, "Ada sees everyone's camera but Edsger's", Duration.ofSeconds(60),
                    "const tiles = [...document.querySelectorAll('#grid .tile')];"
                            + "return tiles.length === 4 && tiles.filter(t => t.querySelector('video').videoWidth > 0).length >= 3");
            assertEquals("4", js(ada, "return document.getElementById('grid').dataset.layout"));

            new Actions(grace).sendKeys("r").perform(); // Grace raises her hand (R)
            click(alan, By.id("toggle-mic")); // Alan mutes
            awaitJs(ada, "Alan muted", SOON,
                    "return window.javameet.participants().some(p => p.displayName === 'Alan Turing' && p.audioMuted)");
            click(grace, By.id("toggle-chat"));
            grace.findElement(By.id("chat-input")).sendKeys("Morning all! Standup in 2 minutes.", Keys.ENTER);
            // the sender sees the server's echo first: a failure here is on Grace's side, after it on Ada's
            Browsers.awaitJsDescribing(grace, "Grace's chat echoed", SOON, all,
                    "return window.javameet.chatMessages().length === 1");
            try {
                Browsers.awaitJsDescribing(ada, "chat arrived", SOON, all,
                        "return window.javameet.chatMessages().length === 1");
            } catch (AssertionError e) {
                // did the server drop it (a slow reader's droppable message) or the page ignore it?
                StringBuilder sb = new StringBuilder(e.getMessage());
                server.meterRegistry().scrape().lines()
                        .filter(l -> l.startsWith("javameet_http") && !l.endsWith(" 0.0"))
                        .forEach(l -> sb.append("\n  server ").append(l));
                throw new AssertionError(sb.toString(), e);
            }
            ada.findElement(By.id("chat-input")); // exists while closed
            click(ada, By.id("toggle-chat"));
            ada.findElement(By.id("chat-input")).sendKeys("Morning! I'll share the board.", Keys.ENTER);
            awaitJs(ada, "own message echoed", SOON, "return window.javameet.chatMessages().length === 2");
            Thread.sleep(2500); // quality bars need two stats windows
            Browsers.screenshot(ada, "meeting-4");

            click(ada, By.id("toggle-participants"));
            Thread.sleep(300);
            Browsers.screenshot(ada, "participants");
            Browsers.screenshot(edsger, "meeting-phone");
            assertEquals("4", js(edsger, "return document.getElementById('grid').dataset.layout"));
            // the phone's toolbar fits its width
            assertEquals(true, js(edsger, "const r = document.querySelector('.toolbar').getBoundingClientRect();"
                    + " return r.right <= window.innerWidth && document.getElementById('leave-button').getBoundingClientRect().right <= window.innerWidth"));
        }
    }

    // ---- helpers ----

    private static void click(WebDriver d, By by) throws InterruptedException {
        Browsers.click(d, by, SOON);
    }

    private static JavameetServer start(ServerConfig config) throws Exception {
        return new JavameetServer(config.toBuilder().httpAddress("127.0.0.1").httpPort(FreePorts.tcp())
                .mediaPort(FreePorts.udp()).publicAddresses(Browsers.HOST_CANDIDATES).build(), null).start();
    }

    private static String base(JavameetServer s) {
        return "http://127.0.0.1:" + s.httpAddress().getPort();
    }

    /** Opens the room without the prejoin page, with a display name; does not wait for the join. */
    private static WebDriver joinDirect(Browsers browsers, JavameetServer s, String room, String name) throws Exception {
        WebDriver d = browsers.open();
        d.get(base(s) + "/" + room + "#config.prejoinPageEnabled=false&userInfo.displayName="
                + URLEncoder.encode("\"" + name + "\"", StandardCharsets.UTF_8).replace("+", "%20"));
        return d;
    }

    private static String id(WebDriver d) {
        return (String) js(d, "return window.javameet.participantId");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> self(WebDriver d) {
        return (Map<String, Object>) js(d, "return window.javameet.participants().find(p => p.local)");
    }

    /**
     * The server with token auth ({@code auth} section, docs/configuration.md). Until the server side of
     * issue 5 is merged the loader does not know the section: these tests are then skipped, naming it.
     */
    private static ServerConfig tokenConfig() {
        String json = "{\"auth\": {\"mode\": \"token\", \"jwtAlgorithm\": \"HS256\", \"jwtSecret\": \"" + SECRET + "\"}}";
        try {
            return ServerConfig.parse(json, "token-test");
        } catch (ConfigException e) {
            Assumptions.abort("server config has no \"auth\" section yet (server side of issue 5): " + e.getMessage());
            throw new AssertionError(e);
        }
    }

    /** An HS256 JWS (RFC 7515 compact form) over the claims, signed with {@link #SECRET}. */
    private static String hs256(String claimsJson) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(sig);
    }
}
