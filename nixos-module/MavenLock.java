/*
 * The Maven lock of the Nix package (nixos-module/maven-lock.json): every file the package's Maven build
 * reads from its local repository, with its path in the repository layout and its SRI sha256. package.nix
 * fetches each entry from Maven Central with fetchurl and runs Maven offline over them, so the package
 * needs no fixed-output hash that only a machine with nixpkgs and network could compute.
 *
 * A single-file program (java MavenLock.java ...), run by maven-lock.sh; it needs only a JDK:
 *   generate REPO LOCK MAVEN_VERSION MAVEN_TARBALL  write LOCK from a repository an online build just filled
 *   assemble LOCK FROM_REPO TO_REPO                 copy the lock's entries (from FROM_REPO, else from Central)
 *                                                   into TO_REPO, checking every sha256
 *   fetch-maven VERSION CACHE_DIR [SRI]             download Maven VERSION's distribution from Central into
 *                                                   CACHE_DIR, checked against SRI or else Central's .sha512;
 *                                                   print its path
 *   maven LOCK                                      print the lock's Maven version and distribution hash
 */

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public final class MavenLock {
    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    /** One lock line per entry, so the lock reads back without a JSON library and diffs line by line. */
    static final Pattern ENTRY =
            Pattern.compile("\\{ \"path\": \"([^\"]+)\", \"hash\": \"(sha256-[A-Za-z0-9+/=]+)\" \\}");
    static final Pattern MAVEN = Pattern.compile(
            "\"maven\": \\{ \"version\": \"([^\"]+)\", \"path\": \"([^\"]+)\", \"hash\": \"(sha256-[A-Za-z0-9+/=]+)\" \\}");
    /** What a Maven Central path may hold: group/artifact/version/file, no "..", no odd characters. */
    static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+){3,}");

    record Entry(String path, String hash) {}

    record Lock(String mavenVersion, Entry maven, List<Entry> artifacts) {}

    public static void main(String[] args) throws Exception {
        try {
            switch (args.length == 0 ? "" : args[0]) {
                case "generate" -> {
                    need(args, 5);
                    generate(Path.of(args[1]), Path.of(args[2]), args[3], Path.of(args[4]));
                }
                case "assemble" -> {
                    need(args, 4);
                    assemble(read(Path.of(args[1])), Path.of(args[2]), Path.of(args[3]));
                }
                case "fetch-maven" -> {
                    if (args.length != 3 && args.length != 4) need(args, 3);
                    System.out.println(fetchMaven(args[1], Path.of(args[2]), args.length == 4 ? args[3] : null));
                }
                case "maven" -> {
                    need(args, 2);
                    Lock lock = read(Path.of(args[1]));
                    System.out.println(lock.mavenVersion() + " " + lock.maven().hash());
                }
                default -> throw new LockError(
                        "usage: java MavenLock.java generate|assemble|fetch-maven|maven ... (see the file's header)");
            }
        } catch (LockError e) {
            System.err.println("maven-lock: " + e.getMessage());
            System.exit(1);
        }
    }

    static void need(String[] args, int n) {
        if (args.length != n) throw new LockError(args[0] + " takes " + (n - 1) + " arguments; see MavenLock.java's header");
    }

    // ---- generate ----------------------------------------------------------------------------------------

    /**
     * Walks a local repository that an online build with an empty {@code -Dmaven.repo.local} and checksum policy
     * fail ({@code -C}) has just filled, and writes the lock. Refuses whatever Nix could not fetch from Central
     * as it is: files from another repository, snapshots, metadata, failed downloads.
     */
    static void generate(Path repo, Path lockFile, String mavenVersion, Path mavenTarball) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> entries = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(repo)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String path = repo.relativize(file).toString().replace('\\', '/');
            String name = file.getFileName().toString();
            if (name.equals("_remote.repositories")) {
                // Resolver's record of where each file came from: it must say Maven Central for every file.
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("#") || line.isBlank()) continue;
                    if (!line.endsWith(">central=")) {
                        problems.add(path + ": " + line + " (only Maven Central is allowed: Nix fetches every entry from it)");
                    }
                }
                continue;
            }
            if (name.endsWith(".sha1") || name.endsWith(".md5")) continue; // checked below, with their file
            if (path.startsWith("org/javameet/")) continue; // this project's own modules, built by the package
            if (name.startsWith("maven-metadata") || name.startsWith("resolver-status")) {
                problems.add(path + ": repository metadata (a version range or a plugin prefix lookup); pin exact versions");
            } else if (path.contains("-SNAPSHOT")) {
                problems.add(path + ": a snapshot; pin a release version");
            } else if (name.endsWith(".lastUpdated")) {
                problems.add(path + ": a failed download; fix the build's network or the coordinates and run again");
            } else if (!name.endsWith(".pom") && !name.endsWith(".jar")) {
                problems.add(path + ": unexpected file type (the lock takes .pom and .jar files)");
            } else if (!SAFE_PATH.matcher(path).matches()) {
                problems.add(path + ": a path Nix cannot use as a URL and store name");
            } else {
                Path sha1File = file.resolveSibling(name + ".sha1");
                if (!Files.exists(sha1File)) {
                    problems.add(path + ": no .sha1 next to it (was the build run with -C, online, into an empty repository?)");
                    continue;
                }
                String expected = Files.readString(sha1File).trim().split("\\s+")[0].toLowerCase();
                String actual = HexFormat.of().formatHex(digest("SHA-1", file));
                if (!expected.equals(actual)) {
                    problems.add(path + ": sha1 " + actual + " differs from Central's " + expected);
                    continue;
                }
                entries.put(path, sri(file));
            }
        }
        if (!problems.isEmpty()) {
            throw new LockError("the repository cannot be locked:\n  " + String.join("\n  ", problems));
        }
        if (entries.isEmpty()) throw new LockError(repo + " holds no .pom or .jar file");

        String mavenPath = mavenDistPath(mavenVersion);
        StringBuilder out = new StringBuilder();
        out.append("{\n");
        out.append("  \"comment\": \"Generated by nixos-module/maven-lock.sh update; do not edit. Every file the Nix package's")
                .append(" Maven build reads, fetched from Maven Central by package.nix.\",\n");
        out.append("  \"maven\": { \"version\": \"").append(mavenVersion).append("\", \"path\": \"").append(mavenPath)
                .append("\", \"hash\": \"").append(sri(mavenTarball)).append("\" },\n");
        out.append("  \"artifacts\": [\n");
        int i = 0;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            out.append("    { \"path\": \"").append(e.getKey()).append("\", \"hash\": \"").append(e.getValue()).append("\" }");
            out.append(++i < entries.size() ? ",\n" : "\n");
        }
        out.append("  ]\n}\n");
        Files.writeString(lockFile, out.toString());
        long jars = entries.keySet().stream().filter(p -> p.endsWith(".jar")).count();
        System.out.printf("maven-lock: wrote %s: %d files (%d .pom, %d .jar), Maven %s%n",
                lockFile, entries.size(), entries.size() - jars, jars, mavenVersion);
    }

    // ---- read and assemble -------------------------------------------------------------------------------

    static Lock read(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) throw new LockError(lockFile + " does not exist; run nixos-module/maven-lock.sh update");
        String mavenVersion = null;
        Entry maven = null;
        List<Entry> artifacts = new ArrayList<>();
        for (String line : Files.readAllLines(lockFile)) {
            Matcher m = MAVEN.matcher(line);
            if (m.find()) {
                mavenVersion = m.group(1);
                maven = new Entry(m.group(2), m.group(3));
                continue;
            }
            m = ENTRY.matcher(line);
            if (m.find()) {
                if (!SAFE_PATH.matcher(m.group(1)).matches()) throw new LockError(lockFile + ": bad path " + m.group(1));
                artifacts.add(new Entry(m.group(1), m.group(2)));
            }
        }
        if (maven == null || artifacts.isEmpty()) {
            throw new LockError(lockFile + " is not a lock written by MavenLock.java; run nixos-module/maven-lock.sh update");
        }
        return new Lock(mavenVersion, maven, artifacts);
    }

    /**
     * Builds a repository holding exactly the lock's entries, as package.nix does: each file comes from
     * {@code from} (the repository a normal build filled) when it is there, else from Central, and must match
     * the lock's sha256 either way.
     */
    static void assemble(Lock lock, Path from, Path to) throws IOException, InterruptedException {
        int local = 0, downloaded = 0;
        List<String> mismatches = new ArrayList<>();
        for (Entry e : lock.artifacts()) {
            Path target = to.resolve(e.path());
            Files.createDirectories(target.getParent());
            Path source = from.resolve(e.path());
            if (Files.isRegularFile(source)) {
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                local++;
            } else {
                download(CENTRAL + e.path(), target);
                downloaded++;
            }
            String actual = sri(target);
            if (!actual.equals(e.hash())) mismatches.add(e.path() + ": lock says " + e.hash() + ", file has " + actual);
        }
        if (!mismatches.isEmpty()) {
            throw new LockError("files differ from the lock:\n  " + String.join("\n  ", mismatches)
                    + "\nrun nixos-module/maven-lock.sh update");
        }
        System.out.printf("maven-lock: %d locked files in %s (%d from %s, %d from Maven Central), every sha256 matches%n",
                lock.artifacts().size(), to, local, from, downloaded);
    }

    /** Maven's own distribution, checked against the lock's hash or, for a new version, Central's .sha512. */
    static Path fetchMaven(String version, Path cacheDir, String expectedSri) throws IOException, InterruptedException {
        String path = mavenDistPath(version);
        Path tarball = cacheDir.resolve(Path.of(path).getFileName());
        if (expectedSri != null && Files.exists(tarball) && sri(tarball).equals(expectedSri)) return tarball;
        Files.createDirectories(cacheDir);
        download(CENTRAL + path, tarball);
        if (expectedSri != null) {
            String actual = sri(tarball);
            if (!actual.equals(expectedSri)) {
                Files.delete(tarball);
                throw new LockError("Maven " + version + " from Central has " + actual + ", the lock says " + expectedSri);
            }
        } else {
            Path sha512 = cacheDir.resolve(tarball.getFileName() + ".sha512");
            download(CENTRAL + path + ".sha512", sha512);
            String expected = Files.readString(sha512).trim().split("\\s+")[0].toLowerCase();
            String actual = HexFormat.of().formatHex(digest("SHA-512", tarball));
            if (!expected.equals(actual)) {
                Files.delete(tarball);
                throw new LockError("Maven " + version + " from Central: sha512 " + actual + " differs from its .sha512 " + expected);
            }
        }
        return tarball;
    }

    static String mavenDistPath(String version) {
        return "org/apache/maven/apache-maven/" + version + "/apache-maven-" + version + "-bin.tar.gz";
    }

    // ---- bytes -------------------------------------------------------------------------------------------

    static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();

    static void download(String url, Path target) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        HttpResponse<Path> response = HTTP.send(request, HttpResponse.BodyHandlers.ofFile(part));
        if (response.statusCode() != 200) {
            Files.deleteIfExists(part);
            throw new LockError(url + ": HTTP " + response.statusCode());
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
    }

    static String sri(Path file) throws IOException {
        return "sha256-" + Base64.getEncoder().encodeToString(digest("SHA-256", file));
    }

    static byte[] digest(String algorithm, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A failure with a message for the person at the terminal; no stack trace. */
    static final class LockError extends RuntimeException {
        LockError(String message) {
            super(message);
        }
    }

    private MavenLock() {}
}
