package org.javameet.signaling.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The web client's files. Either loaded once from the class path (the normal case: the client is small, so its
 * bytes and ETags are cached in memory at start) or read live from a directory ({@code --web-root DIR}, for
 * development).
 *
 * <p>Lookups take the already decoded and checked path segments of {@link RequestPath}; a segment is never
 * {@code .}, {@code ..}, empty or with a slash, so nothing outside the root can be named. Hidden files (a segment
 * starting with a dot) are never served.
 */
public final class StaticFiles {

    public static final String DEFAULT_PREFIX = "javameet/web/";
    public static final String INDEX = "index.html";
    /** First path segment of versioned URLs: {@code /v/<version>/js/app.js} (see {@link #version()}). */
    public static final String VERSIONED = "v";

    private static final Logger LOG = Logger.getLogger(StaticFiles.class.getName());

    /** One file, ready to send. */
    public record File(String path, byte[] bytes, String etag, String contentType) {
        public File {
            Objects.requireNonNull(path);
            Objects.requireNonNull(bytes);
        }
    }

    private final Map<String, File> cached; // null in directory mode
    private final Path root;                // null in class path mode
    private final String description;
    private final String version;           // null in directory mode

    /** The real web client: class path resources under {@value #DEFAULT_PREFIX}. */
    public static StaticFiles classpath() {
        return new StaticFiles(StaticFiles.class.getClassLoader(), DEFAULT_PREFIX);
    }

    /**
     * Loads every resource under {@code prefix} (e.g. {@code "javameet/web/"}) from directories and jars of the
     * class loader, now, into memory.
     */
    public StaticFiles(ClassLoader loader, String prefix) {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        Map<String, File> files = new HashMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(p);
            for (URL url : Collections.list(roots)) {
                load(url, p, files);
            }
            // A jar built without directory entries still has the files: find it through index.html.
            URL index = loader.getResource(p + INDEX);
            if (index != null && !files.containsKey(INDEX)) {
                load(index, p, files);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read web client resources under " + p, e);
        }
        this.version = contentVersion(files);
        File index = files.get(INDEX);
        if (index != null) {
            files.put(INDEX, file(INDEX, versionedIndex(index.bytes(), version, files.keySet())));
        }
        this.cached = Map.copyOf(files);
        this.root = null;
        this.description = "class path " + p + " (" + files.size() + " files, version " + version + ")";
        if (index == null) {
            LOG.warning("no " + INDEX + " under class path " + p + ": / will answer 404");
        }
    }

    /**
     * The web client's content hash (12 hex digits of a SHA-256 over every file's path and bytes), or null when
     * serving a live directory. Files under {@code /v/<version>/} never change for a version, so the server
     * marks them immutable and a returning browser loads the page's scripts without asking again; index.html,
     * which names the version, is revalidated every time (a 304 when nothing changed).
     */
    public String version() {
        return version;
    }

    private static String contentVersion(Map<String, File> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String path : new java.util.TreeSet<>(files.keySet())) {
                sha.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(files.get(path).bytes());
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static final java.util.regex.Pattern LOCAL_REFERENCE =
            java.util.regex.Pattern.compile("(src|href)=\"/([^\"?#]+)\"");

    /**
     * index.html with its references to our own files ({@code src="/js/app.js"}, {@code href="/css/app.css"})
     * moved under {@code /v/<version>/}, and a {@code modulepreload} for every script, so the browser fetches the
     * whole module graph at once instead of discovering it import by import. Relative imports inside the modules
     * then resolve under the same versioned prefix.
     */
    static byte[] versionedIndex(byte[] html, String version, java.util.Set<String> paths) {
        String text = new String(html, java.nio.charset.StandardCharsets.UTF_8);
        String prefix = "/" + VERSIONED + "/" + version + "/";
        java.util.regex.Matcher m = LOCAL_REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String target = m.group(2);
            String replacement = paths.contains(target) ? m.group(1) + "=\"" + prefix + target + "\"" : m.group();
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        StringBuilder preloads = new StringBuilder();
        for (String path : new java.util.TreeSet<>(paths)) {
            if (path.endsWith(".js")) {
                preloads.append("<link rel=\"modulepreload\" href=\"").append(prefix).append(path).append("\">\n  ");
            }
        }
        int at = out.indexOf("<script type=\"module\"");
        if (at < 0) {
            at = out.indexOf("</head>");
        }
        if (at >= 0 && preloads.length() > 0) {
            out.insert(at, preloads);
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Serves files live from {@code directory}, re-reading them on every request (development). */
    public StaticFiles(Path directory) {
        try {
            this.root = directory.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("web root " + directory + " is not readable", e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("web root " + directory + " is not a directory");
        }
        this.cached = null;
        this.version = null;
        this.description = "directory " + root;
    }

    /** Looks up a file by its decoded path segments; empty for a missing, hidden or unreadable file. */
    public Optional<File> find(List<String> segments) {
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        for (String s : segments) {
            if (s.isEmpty() || s.startsWith(".") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                    || s.indexOf('\0') >= 0) {
                return Optional.empty();
            }
        }
        String path = String.join("/", segments);
        return cached != null ? Optional.ofNullable(cached.get(path)) : readLive(path);
    }

    /** The index page, if there is one. */
    public Optional<File> index() {
        return find(List.of(INDEX));
    }

    @Override
    public String toString() {
        return description;
    }

    private Optional<File> readLive(String path) {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root)) {
            return Optional.empty();
        }
        try {
            Path real = file.toRealPath(); // a symlink may not lead out of the root either
            if (!real.startsWith(root) || !Files.isRegularFile(real)) {
                return Optional.empty();
            }
            return Optional.of(file(path, Files.readAllBytes(real)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(Level.FINE, "cannot read " + file, e);
            return Optional.empty();
        }
    }

    private static void load(URL url, String prefix, Map<String, File> into) throws IOException {
        switch (url.getProtocol()) {
            case "file" -> loadDirectory(url, prefix, into);
            case "jar" -> loadJar(url, prefix, into);
            default -> LOG.warning("cannot list web client resources at " + url);
        }
    }

    private static void loadDirectory(URL url, String prefix, Map<String, File> into) throws IOException {
        Path dir;
        try {
            dir = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException("bad resource URL " + url, e);
        }
        if (!Files.isDirectory(dir)) {
            dir = dir.getParent(); // we were given index.html itself
        }
        Path base = dir;
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String rel = base.relativize(f).toString().replace('\\', '/');
                if (!hidden(rel)) {
                    into.putIfAbsent(rel, file(rel, Files.readAllBytes(f)));
                }
            }
        }
    }

    private static void loadJar(URL url, String prefix, Map<String, File> into) throws IOException {
        JarURLConnection conn = (JarURLConnection) url.openConnection();
        conn.setUseCaches(false);
        try (JarFile jar = conn.getJarFile()) {
            for (JarEntry e : Collections.list(jar.entries())) {
                String name = e.getName();
                if (e.isDirectory() || !name.startsWith(prefix) || name.length() == prefix.length()) {
                    continue;
                }
                String rel = name.substring(prefix.length());
                if (hidden(rel) || into.containsKey(rel)) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(e)) {
                    into.put(rel, file(rel, in.readAllBytes()));
                }
            }
        }
    }

    private static boolean hidden(String relativePath) {
        for (String s : relativePath.split("/")) {
            if (s.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    static File file(String path, byte[] bytes) {
        return new File(path, bytes, etag(bytes), ContentTypes.of(path));
    }

    /** A strong ETag: the first 16 hex digits of the SHA-256 of the bytes, quoted. */
    static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + HexFormat.of().formatHex(digest, 0, 8) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
