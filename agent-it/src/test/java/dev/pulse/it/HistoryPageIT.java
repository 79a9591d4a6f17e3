package dev.pulse.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at / in a real headless Chromium (Debian's chromium and chromium-driver), driven by
 * Selenium, over the demo: every chart draws points from the demo, the console has no error,
 * every request stays on the service's own endpoint, the first load is small, and the page fits a
 * phone's width. Screenshots are kept in agent-it/target.
 */
class HistoryPageIT {

    static final Path SCREENSHOTS = Paths.get("target");

    @Test
    void everyChartDrawsTheDemosPointsWithoutAConsoleErrorOrARequestElsewhere(@TempDir Path profile)
            throws Exception {
        int port = ForkedJvm.freePort();
        List<String> flags = new ArrayList<>(ForkedJvm.agentFlags(ForkedJvm.DEMO_CONFIG));
        flags.add("-Dpulse.http.host=127.0.0.1");
        flags.add("-Dpulse.http.port=" + port);
        flags.add("-Dpulse.sample.interval=1s");
        try (ForkedJvm demo = ForkedJvm.start(flags, Map.of(),
                List.of("-jar", ForkedJvm.DEMO_JAR.toAbsolutePath().toString()), "--rate", "50")) {
            demo.awaitStdout("demo: running");
            ChromeDriver browser = chromium(profile);
            try {
                browser.manage().window().setSize(new Dimension(1280, 1800));
                String page = "http://127.0.0.1:" + port + "/";
                browser.get(page);
                // A chart is drawn again when a new line appears in it: its old element goes stale.
                new WebDriverWait(browser, Duration.ofSeconds(90)).ignoring(StaleElementReferenceException.class)
                        .until(driver -> {
                    List<WebElement> charts = driver.findElements(By.cssSelector(".card.chart"));
                    return charts.size() >= 14 && charts.stream().allMatch(chart ->
                            Integer.parseInt(chart.getAttribute("data-points")) >= 3
                                    && !chart.findElements(By.tagName("canvas")).isEmpty());
                });
                assertEquals("", browser.findElement(By.id("error")).getText());
                assertTrue(browser.findElement(By.id("service")).getText().contains("demo-jobs"));
                String table = browser.findElement(By.tagName("main")).getText();
                for (String expected : List.of("job_execution", "pending_jobs", "demo-db", "delivery")) {
                    assertTrue(table.contains(expected), expected + " on the page:\n" + table);
                }
                save(browser, "history-page.png");

                JavascriptExecutor js = browser;
                @SuppressWarnings("unchecked")
                List<String> urls = (List<String>) js.executeScript(
                        "return performance.getEntriesByType('resource').map(e => e.name)");
                for (String url : urls) {
                    assertTrue(url.startsWith(page), "every request stays on the endpoint: " + url);
                }
                Number transferred = (Number) js.executeScript("return performance.getEntriesByType('navigation')"
                        + ".concat(performance.getEntriesByType('resource')).reduce((s, e) => s + e.transferSize, 0)");
                assertTrue(transferred.longValue() <= 300 * 1024, "first load and refreshes so far: "
                        + transferred + " bytes");

                browser.manage().window().setSize(new Dimension(390, 844));
                Thread.sleep(500);
                Number overflow = (Number) js.executeScript(
                        "return document.documentElement.scrollWidth - window.innerWidth");
                assertTrue(overflow.intValue() <= 0, "the page fits a phone's width: " + overflow + " px too wide");
                save(browser, "history-page-phone.png");

                List<String> errors = new ArrayList<>();
                for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                    if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                        errors.add(entry.getMessage());
                    }
                }
                assertEquals(List.of(), errors, "the browser console");
            } finally {
                browser.quit();
            }
        }
    }

    private static ChromeDriver chromium(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Executables.onPath("chromium", "chromium").toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(Executables.onPath("chromedriver", "chromium-driver").toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void save(ChromeDriver browser, String name) throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOTS);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
