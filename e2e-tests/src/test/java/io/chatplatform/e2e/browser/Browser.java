package io.chatplatform.e2e.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One person's browser: the system's headless chromium driven through its chromedriver, with a fresh profile, on
 * the web client served by the gateway. Methods are the steps a person takes; waits are for what they would see.
 */
public final class Browser implements AutoCloseable {

    /** Long enough for a cold page, Kafka delivery on a busy 2-core machine and a reconnect's backoff. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final String baseUrl;
    private final Path profile;
    private final String name;

    private Browser(String name, String baseUrl, Dimension size, boolean phone) {
        this.name = name;
        this.baseUrl = baseUrl;
        try {
            this.profile = Files.createTempDirectory("chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserSupport.CHROMIUM.toString());
        // Without the background-networking flags chromium keeps calling Google services, which a closed
        // network answers with nothing but timeouts.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--password-store=basic",
                "--user-data-dir=" + profile,
                "--window-size=" + size.getWidth() + "," + size.getHeight());
        if (phone) {
            // Desktop chromium has a minimum window width; a phone's viewport needs device emulation.
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                    Map.of("width", size.getWidth(), "height", size.getHeight(), "pixelRatio", 1.0)));
        }
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserSupport.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    public static Browser open(String name, String baseUrl) {
        return new Browser(name, baseUrl, new Dimension(1280, 860), false);
    }

    public static Browser openPhone(String name, String baseUrl) {
        return new Browser(name, baseUrl, new Dimension(390, 844), true);
    }

    public WebDriver driver() {
        return driver;
    }

    public void get(String path) {
        driver.get(baseUrl + path);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Steps

    public void register(String username, String password) {
        get("/");
        click(By.id("tab-register"));
        type(By.id("register-username"), username);
        type(By.id("register-email"), username + "@example.org");
        type(By.id("register-password"), password);
        click(By.cssSelector("#register-form button[type=submit]"));
        awaitSignedIn();
    }

    public void login(String username, String password) {
        get("/");
        type(By.id("login-name"), username);
        type(By.id("login-password"), password);
        click(By.cssSelector("#login-form button[type=submit]"));
        awaitSignedIn();
    }

    public void awaitSignedIn() {
        await("the app after signing in", d -> d.findElement(By.id("app-view")).isDisplayed());
        awaitConnected();
    }

    public void awaitConnected() {
        await("the connection state 'Connected'",
                d -> d.findElement(By.id("connection-state")).getText().equals("Connected"));
    }

    /** Starts a DM by searching the other user, as "New message" does. */
    public void startDirectMessage(String username) {
        click(By.id("new-dm-button"));
        type(By.cssSelector("#dialog-body input[type=search]"), username);
        click(By.cssSelector("#dialog-body button[data-username='" + username + "']"));
        await("the DM to open", d -> d.getCurrentUrl().contains("#/c/")
                && d.findElement(By.id("conversation-view")).isDisplayed());
    }

    public void createRoom(String name) {
        click(By.id("new-room-button"));
        type(By.cssSelector("#dialog-body input[name=name]"), name);
        click(By.id("dialog-submit"));
        await("the room to open", d -> d.findElement(By.id("conversation-title")).getText().equals("# " + name));
    }

    public void joinRoom(String name) {
        click(By.id("browse-rooms-button"));
        type(By.cssSelector("#dialog-body input[type=search]"), name);
        // The list is re-drawn as results come in: find and click in one step, again if it was re-drawn meanwhile.
        await("the room's Join button", d -> {
            WebElement row = d.findElements(By.cssSelector("#dialog-body .result-list li")).stream()
                    .filter(li -> li.getText().contains(name) && li.getText().contains("Join"))
                    .findFirst().orElse(null);
            if (row == null) {
                return false;
            }
            row.findElement(By.tagName("button")).click();
            return true;
        });
        await("the room to open", d -> d.findElement(By.id("conversation-title")).getText().equals("# " + name));
    }

    /** Opens a conversation from the sidebar by the name it shows. */
    public void openConversation(String shownName) {
        // The sidebar is re-drawn on every event: find and click in one step, again if it was re-drawn meanwhile.
        await("'" + shownName + "' in the sidebar", d -> {
            WebElement item = sidebarItem(shownName);
            if (item == null) {
                return false;
            }
            item.click();
            return true;
        });
        await("'" + shownName + "' to open", d -> d.findElement(By.id("conversation-title")).getText()
                .equals(shownName));
    }

    public WebElement sidebarItem(String shownName) {
        return driver.findElements(By.cssSelector("#conversation-list .conversation-item")).stream()
                .filter(a -> a.findElement(By.className("conversation-name")).getText().equals(shownName)
                        || a.findElement(By.className("conversation-name")).getText().equals(shownName.replace("# ", "")))
                .findFirst().orElse(null);
    }

    /** Types into the message box and presses Enter. */
    public void send(String text) {
        WebElement box = driver.findElement(By.id("composer-text"));
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
    }

    public WebElement composer() {
        return driver.findElement(By.id("composer-text"));
    }

    /** The texts of the open conversation's messages, in order (read in one step: the list may re-draw). */
    @SuppressWarnings("unchecked")
    public List<String> messageTexts() {
        return (List<String>) script("""
                return [...document.querySelectorAll('#message-list .message .text')].map(p => p.innerText);""");
    }

    /**
     * What the message with this text shows, read in one step: {@code key} (message id), {@code all} (its whole
     * text), {@code links} ([{href, rel, target}]), {@code mentions}, {@code quote}, {@code status} (class names), {@code actions} offered;
     * null when no such message is shown.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> message(String text) {
        return (Map<String, Object>) script("""
                const li = [...document.querySelectorAll('#message-list .message')]
                    .find(m => m.querySelector('.text')?.innerText === arguments[0]);
                if (!li) { return null; }
                return {
                  key: li.dataset.key,
                  all: li.innerText,
                  links: [...li.querySelectorAll('.text a')].map(a => ({href: a.href, rel: a.rel, target: a.target})),
                  mentions: li.querySelectorAll('.text mark.mention').length,
                  quote: li.querySelector('.reply-quote')?.innerText ?? null,
                  status: li.querySelector('.status')?.className ?? null,
                  images: li.querySelectorAll('img').length,
                  actions: [...li.querySelectorAll('[data-action]')].map(b => b.dataset.action)
                };""", text);
    }

    public Map<String, Object> awaitMessage(String text) {
        return await("message '" + text + "'", d -> message(text));
    }

    public void awaitMessageStatus(String text, String statusClass) {
        await("message '" + text + "' with " + statusClass, d -> {
            Map<String, Object> message = message(text);
            return message != null && String.valueOf(message.get("status")).contains(statusClass);
        });
    }

    /** Waits until the own message is stored: its tick is sent, delivered or read (no longer pending or failed). */
    public void awaitStored(String text) {
        await("message '" + text + "' stored", d -> {
            Map<String, Object> message = message(text);
            String status = message == null ? "" : String.valueOf(message.get("status"));
            return status.contains("status-sent") || status.contains("status-delivered")
                    || status.contains("status-read");
        });
    }

    /** Hovers the message (its actions show on hover or focus) and clicks one of its actions. */
    public void messageAction(String text, String action) {
        await("action " + action + " of '" + text + "'", d -> {
            WebElement message = d.findElements(By.cssSelector("#message-list .message")).stream()
                    .filter(li -> li.findElement(By.className("text")).getText().equals(text))
                    .findFirst().orElse(null);
            if (message == null) {
                return false;
            }
            new Actions(d).moveToElement(message).perform();
            message.findElement(By.cssSelector("[data-action='" + action + "']")).click();
            return true;
        });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Plumbing

    public <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT).withMessage(() -> name + " waited for " + what)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .ignoring(org.openqa.selenium.NoSuchElementException.class)
                    .until(condition);
        } catch (RuntimeException e) {
            screenshot("failure-" + name);
            System.err.println(name + "'s browser console:\n" + consoleLog());
            throw e;
        }
    }

    public void click(By by) {
        // Found and clicked in one step, again if the app re-drew the element in between.
        await("a clickable " + by, d -> {
            WebElement element = d.findElement(by);
            if (!element.isDisplayed() || !element.isEnabled()) {
                return false;
            }
            element.click();
            return true;
        });
    }

    public void type(By by, String text) {
        WebElement element = await("a field " + by, d -> {
            WebElement field = d.findElement(by);
            return field.isDisplayed() ? field : null;
        });
        element.clear();
        element.sendKeys(text);
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A PNG of what the browser shows, under target/screenshots. */
    public Path screenshot(String fileName) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(fileName + ".png");
            Path taken = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
            assertThat(file).isNotEmptyFile();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String consoleLog() {
        try {
            return String.join("\n", driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(LogEntry::toString).toList());
        } catch (RuntimeException e) {
            return "(console not available: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            BrowserSupport.deleteQuietly(profile);
        }
    }
}
