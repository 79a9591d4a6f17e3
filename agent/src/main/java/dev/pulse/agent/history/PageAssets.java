package dev.pulse.agent.history;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The page at {@code /} and what it loads, all from the agent jar: {@code index.html}, its script,
 * and uPlot (from the {@code org.webjars.npm:uplot} webjar, with its licence). Each file is read and
 * gzip-compressed once, when first asked for.
 */
public final class PageAssets {

    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"page/index.html", "text/html; charset=utf-8"},
            "/page.js", new String[] {"page/page.js", "text/javascript; charset=utf-8"},
            "/uplot/uPlot.iife.min.js", new String[] {"page/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/uplot/uPlot.min.css", new String[] {"page/uplot/uPlot.min.css", "text/css; charset=utf-8"},
            "/uplot/LICENSE", new String[] {"page/uplot/LICENSE", "text/plain; charset=utf-8"});

    private static final Map<String, Asset> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private PageAssets() {
    }

    /** True for the paths this class serves. */
    public static boolean serves(String path) {
        return FILES.containsKey(path);
    }

    /** The file behind {@code path}, or null when there is none (or the jar lacks it). */
    public static Asset get(String path) {
        String[] file = FILES.get(path);
        if (file == null) {
            return null;
        }
        return LOADED.computeIfAbsent(path, p -> load(file[0], file[1]));
    }

    private static Asset load(String resource, String contentType) {
        try (InputStream in = PageAssets.class.getResourceAsStream("/dev/pulse/agent/" + resource)) {
            if (in == null) {
                return null;
            }
            byte[] plain = in.readAllBytes();
            ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
                gzip.write(plain);
            }
            return new Asset(contentType, plain, gzipped.toByteArray());
        } catch (IOException e) {
            return null;
        }
    }

    /** One file: its type and its bytes, plain and gzip-compressed. */
    public static final class Asset {
        public final String contentType;
        public final byte[] plain;
        public final byte[] gzipped;

        Asset(String contentType, byte[] plain, byte[] gzipped) {
            this.contentType = contentType;
            this.plain = plain;
            this.gzipped = gzipped;
        }
    }
}
