package org.transformer4j.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.train.Checkpoint;

/**
 * The pages end to end in headless Chromium (Debian's chromium and chromium-driver, which .ci/run installs):
 * opening and closing a module changes the figure, typed text gives attention maps, the playground shows a
 * translation and a generation, the training page draws the run's loss curve. Each page's screenshot goes
 * to target/web-screenshots/ (docs/figures/web-*.png are copies of these, taken with
 * {@code -Dt4j.web.screenshotRun=runs/demo} for a trained model).
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "web-screenshots");
    static final Duration WAIT = Duration.ofSeconds(90);

    static WebServer translator;
    static WebServer gpt;
    static Workbench translatorBench;
    static WebDriver driver;
    static Path runDir;

    @BeforeAll
    static void start() throws Exception {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            assertTrue(Files.isExecutable(p), p + " is missing: the browser tests need Debian's chromium and "
                    + "chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        String given = System.getProperty("t4j.web.screenshotRun");
        runDir = given != null ? Path.of(given)
                : WebFixtures.runFolder(Files.createTempDirectory("t4j-browser-run"), 120);
        TransformerConfig c = ConfigJson.read(runDir.resolve("config.json"));
        EncoderDecoder m = new EncoderDecoder(c, new Rng(0));
        Checkpoint.load(Checkpoint.latest(runDir).orElseThrow(), m, null);
        translatorBench = Workbench.folder(runDir.getFileName().toString(), m, c, runDir);
        translator = WebServer.start(translatorBench, "127.0.0.1", 0, ServerLimits.defaults(), System.err);
        gpt = WebServer.start(Workbench.preset("tiny-gpt", WebFixtures.gpt(), WebFixtures.gpt().config()), "127.0.0.1", 0,
                ServerLimits.defaults(), System.err);
        Files.createDirectories(SHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,860", "--hide-scrollbars", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (translator != null) {
            translator.close();
        }
        if (gpt != null) {
            gpt.close();
        }
        if (System.getProperty("t4j.web.screenshotRun") == null && runDir != null) {
            try (var files = Files.walk(runDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary folder left behind
            }
        }
    }

    private static WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    private static String attr(String css, String name) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getDomAttribute(name);
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SHOTS.resolve("web-" + name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Waits until the figure has been drawn n times and returns its box count. */
    private static int figureLoaded(int loads) {
        waiting().withMessage("the figure was not drawn " + loads + " time(s); status: " + status())
                .until(d -> Integer.parseInt(attr("#figure", "data-loads")) >= loads);
        return Integer.parseInt(attr("#figure", "data-nodes"));
    }

    private static String status() {
        List<WebElement> s = driver.findElements(By.id("status"));
        return s.isEmpty() ? "(no status)" : s.get(0).getText();
    }

    /** Clicks an SVG element as a user's click would reach the page's handler (it may lie outside the panned view). */
    private static void click(String css) {
        WebElement e = driver.findElement(By.cssSelector(css));
        js("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", e);
    }

    @Test
    void figureOpensAndClosesModules() throws Exception {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1500));   // a tall page for the tall figure
        driver.get(translator.url() + "/figure");
        int paper = figureLoaded(1);
        assertTrue(paper > 5, "the paper-level figure has boxes");
        screenshot("figure");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 860));
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("level"))).selectByValue("blocks");
        int blocks = figureLoaded(2);
        assertTrue(driver.findElements(By.cssSelector("#figure g.group[data-group='group:encoder.layers.0.self_attn']")).isEmpty());
        WebElement attn = driver.findElement(By.cssSelector("#figure g.node[id='encoder.layers.0.self_attn']"));
        js("arguments[0].dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: 50, clientY: 50}))", attn);
        String tip = driver.findElement(By.id("tooltip")).getAttribute("textContent");
        long params = translatorBench.modules().get("encoder.layers.0.self_attn").parameterCount();
        assertTrue(tip.contains("MultiHeadAttention") && tip.contains(String.format(java.util.Locale.US, "%,d", params)), tip);
        click("#figure g.node[id='encoder.layers.0.self_attn']");
        int opened = figureLoaded(3);
        assertTrue(opened > blocks, "opening self_attn adds its ops: " + blocks + " -> " + opened);
        assertFalse(driver.findElements(By.cssSelector("#figure g.group[data-group='group:encoder.layers.0.self_attn']")).isEmpty(),
                "the opened module is drawn as a frame");
        assertTrue(driver.getCurrentUrl().contains("expand=encoder.layers.0.self_attn"), driver.getCurrentUrl());
        String before = attr("#figure svg", "viewBox");
        js("document.getElementById('zoom-in').click()");
        assertFalse(before.equals(attr("#figure svg", "viewBox")), "zoom changes the view box");
        click("#figure g.group[data-group='group:encoder.layers.0.self_attn']");
        int closed = figureLoaded(4);
        assertEquals(blocks, closed, "closing the frame again gives the figure it came from");
    }

    @Test
    void attentionShowsMapsForTypedText() throws Exception {
        driver.get(translator.url() + "/attention");
        String text = System.getProperty("t4j.web.screenshotRun") != null ? "siebenhundertelftausendzwei" : "guten abend";
        waiting().until(d -> d.findElement(By.id("nav")).getText().contains(translatorBench.name()));
        driver.findElement(By.id("text")).sendKeys(text);
        driver.findElement(By.id("show")).click();
        waiting().withMessage(() -> "no attention map appeared; status: " + status())
                .until(d -> "true".equals(attr("#maps", "data-ready")));
        List<WebElement> canvases = driver.findElements(By.cssSelector("#maps canvas"));
        assertEquals(translatorBench.config().heads(), canvases.size(), "one heatmap per head");
        assertTrue(attr("#maps", "data-map").endsWith("multihead_attn"), "starts at the cross-attention: " + attr("#maps", "data-map"));
        Object inked = js("const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 200 && d[i + 2] > 200) n++; return n;", canvases.get(0));
        assertTrue(((Number) inked).intValue() > 0, "the heatmap has coloured cells");
        assertTrue(driver.findElement(By.id("translation")).getText().startsWith("Translation:"));
        screenshot("attention");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("view"))).selectByValue("lines");
        waiting().until(d -> !d.findElements(By.cssSelector("#maps svg.lines line")).isEmpty());
    }

    @Test
    void playgroundStreamsATranslation() throws Exception {
        String text = System.getProperty("t4j.web.screenshotRun") != null ? "dreihundertzweiundvierzigtausendeinhundertfünf"
                : "guten abend";
        Map<String, Object> expected = WebFixtures.post(translator, "/api/translate",
                "{\"text\": \"" + text + "\", \"max_tokens\": 32}").object();
        assertFalse(((String) expected.get("text")).isEmpty(), "the fixture model translates this into something");
        driver.get(translator.url() + "/playground");
        waiting().until(d -> d.findElement(By.id("run")).getText().equals("Translate"));
        driver.findElement(By.id("input")).sendKeys(text);
        driver.findElement(By.id("run")).click();
        waiting().withMessage(() -> "no translation appeared; status: " + status())
                .until(d -> "true".equals(attr("#output", "data-done")));
        assertEquals(expected.get("text"), driver.findElement(By.id("output")).getAttribute("textContent"));
        assertEquals(((List<?>) expected.get("ids")).size(), driver.findElements(By.cssSelector("#tokens .tok")).size(),
                "one streamed token chip per id");
        screenshot("playground");
    }

    @Test
    void playgroundGeneratesWithADecoderOnlyModel() {
        driver.get(gpt.url() + "/playground");
        waiting().until(d -> d.findElement(By.id("run")).getText().equals("Generate"));
        driver.findElement(By.id("input")).sendKeys("Once upon");
        WebElement max = driver.findElement(By.id("max"));
        max.clear();
        max.sendKeys("12");
        driver.findElement(By.id("run")).click();
        waiting().withMessage(() -> "no generation appeared; status: " + status())
                .until(d -> "true".equals(attr("#output", "data-done")));
        String out = driver.findElement(By.id("output")).getAttribute("textContent");
        assertTrue(out.startsWith("Once upon") && out.length() > "Once upon".length(), out);
        assertEquals(12, driver.findElements(By.cssSelector("#tokens .tok")).size());
        assertTrue(status().startsWith("12 tokens"), status());
    }

    @Test
    void trainingDrawsTheRunsLossCurve() throws Exception {
        driver.get(translator.url() + "/training");
        long steps = Files.readAllLines(runDir.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"loss\"")).count();
        waiting().withMessage(() -> "the loss curve was not drawn; status: " + status())
                .until(d -> String.valueOf(steps).equals(attr("#chart", "data-points")));
        String points = attr("#chart polyline.loss", "points");
        assertTrue(points != null && points.split(" ").length > 10, "a polyline of the loss: " + points);
        assertTrue(driver.findElement(By.id("notes")).getText().length() > 0, "the run's notes");
        screenshot("training");
    }
}
