package dev.logtocp.processor.it;

import static dev.logtocp.processor.it.ProcessorStack.meta;
import static dev.logtocp.processor.it.ProcessorStack.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logtocp.commands.UserCreate;
import dev.logtocp.outcomes.OutcomeStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser: Debian's headless Chromium driven by Selenium through the system
 * {@code chromedriver} ({@code ops/test} installs both when missing). Looks a command up, opens a dead letter whose
 * password is masked, is refused a redrive without the token, redrives with it, and sees the command's new outcome
 * arrive in the live view. Saves {@code target/console-screenshot.png}.
 */
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final String TOKEN = "browser-it-token-" + UUID.randomUUID();

    private static ProcessorStack stack;
    private static FakeHistoryView view;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            System.err.println(
                    "\n*** ConsoleBrowserIT SKIPPED: no " + CHROMIUM + " or " + CHROMEDRIVER
                            + ". ops/test installs Debian's chromium and chromium-driver; install them to run the browser test. ***\n");
        }
        Assumptions.assumeTrue(present, "Chromium and chromedriver are not installed");
        view = new FakeHistoryView();
        stack = ProcessorStack.startOnSimulator(
                Map.of("HTTP_ADMIN_TOKEN", TOKEN, "MAX_ATTEMPTS", "2", "HISTORY_VIEW_URL", view.url()));
        profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Without the background-networking switches Chromium keeps trying to reach Google on a closed network.
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
        if (view != null) {
            view.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A wait that retries when the page re-rendered an element between finding and using it. */
    private static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks the dead-letter row whose text contains {@code text} (after a refresh), returning its position. */
    private static String openDeadLetterRow(String text) {
        By rows = By.cssSelector("#dlq-table tbody tr");
        return waitUpTo(30).until(d -> {
            for (WebElement r : d.findElements(rows)) {
                if (r.getText().contains(text)) {
                    String position = r.getAttribute("data-position");
                    r.click();
                    return position;
                }
            }
            d.findElement(By.id("dlq-refresh")).click();
            return null;
        });
    }

    @Test
    void anOperatorLooksUpACommandOpensADeadLetterAndRedrivesItWithTheToken() throws Exception {
        // A decided command to look up, a dead letter carrying a password, and one whose key is markup.
        String decidedKey = unique("lookup");
        String decidedUser = unique("looked");
        stack.awaitOutcome(stack.send(
                decidedUser,
                UserCreate.newBuilder()
                        .setMeta(meta(decidedKey))
                        .setUsername(decidedUser)
                        .build()));
        String user = unique("browser");
        String password = "CANARY-PW-" + UUID.randomUUID();
        String commandId = ConsoleClient.retriesExhaustedDeadLetter(stack, user, password, unique("k"));
        String markup = "<img src=x onerror=\"window.__xss=1\">";
        stack.sendRaw(markup, "not avro".getBytes(StandardCharsets.UTF_8));

        browser.get("http://127.0.0.1:" + stack.processor.httpPort() + "/console/");
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("breaker-state"), "CLOSED"));
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-state"), "connected"));

        // Look a command up by issuer and idempotency key.
        browser.findElement(By.id("lookup-issuer")).sendKeys("it-suite");
        browser.findElement(By.id("lookup-key")).sendKeys(decidedKey);
        browser.findElement(By.id("lookup-go")).click();
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("lookup-result"), "SUCCEEDED"));
        assertThat(browser.findElement(By.id("lookup-result")).getText()).contains("UserCreate");

        // A user's history, from the history view (a stand-in with the view's documented answer).
        browser.findElement(By.id("history-ref")).sendKeys(decidedUser);
        browser.findElement(By.id("history-go")).click();
        waitUpTo(30)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("history-result"), "2 of 2 entries"));
        assertThat(browser.findElement(By.id("history-table")).getText())
                .contains("UserCreate", "RoleAssign", "role_not_found");

        // Open the dead letter: the password is masked in both views; the markup key stays text.
        By row = By.cssSelector("#dlq-table tbody tr");
        String position = openDeadLetterRow(user);
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-detail-id"), position));
        waitUpTo(30)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-decoded"), "[secret: redacted]"));
        assertThat(browser.findElement(By.id("dlq-decoded")).getText()).contains(user);
        assertThat(browser.findElement(By.id("dlq-hex")).getText()).contains("**");
        assertThat(browser.findElement(By.id("dlq-facts")).getText()).contains("RetriesExhausted");
        assertThat(browser.findElement(By.id("dlq-table")).getText()).contains(markup);
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__xss === undefined"))
                .isEqualTo(true);

        // Without the token the redrive is refused and nothing is sent.
        browser.findElement(By.id("redrive-one")).click();
        waitUpTo(30)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("redrive-result"), "operator token"));
        assertThat(browser.findElement(By.id("plan")).isDisplayed()).isFalse();

        // With the token: a plan to confirm, then the redrive.
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("token-set")).click();
        browser.findElement(By.id("redrive-one")).click();
        waitUpTo(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("plan")));
        assertThat(browser.findElement(By.id("plan-text")).getText()).contains("Send 1 of 1");
        browser.findElement(By.id("plan-confirm")).click();
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("redrive-result"), "redriven 1"));
        assertThat(browser.findElement(By.id("redrive-result")).getText()).contains(position, "REDRIVEN");

        // The command runs again and its outcome arrives in the live view.
        By outcome = By.cssSelector("#outcomes tbody tr[data-command-id='" + commandId + "'][data-status='SUCCEEDED']");
        waitUpTo(60).until(ExpectedConditions.presenceOfElementLocated(outcome));
        waitUpTo(30)
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#counts .count[data-status='SUCCEEDED']")));
        assertThat(stack.outcomesOf(commandId, Duration.ofMillis(500)))
                .extracting(o -> o.getStatus())
                .contains(OutcomeStatus.SUCCEEDED);
        waitUpTo(30).until(d -> {
            d.findElement(By.id("dlq-refresh")).click();
            return d.findElements(row).stream()
                    .anyMatch(r -> r.getText().contains(user) && r.getText().contains("→"));
        });

        assertThat(browser.getPageSource()).doesNotContain(password).doesNotContain(TOKEN);
        waitUpTo(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("dlq-facts"), "redriven to"));
        assertThat(browser.findElement(By.id("redrive-one")).isEnabled())
                .as("a redriven dead letter offers no second redrive")
                .isFalse();
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Path shot = Path.of("target", "console-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, png);
        System.out.println("console screenshot: " + shot.toAbsolutePath());
    }
}
