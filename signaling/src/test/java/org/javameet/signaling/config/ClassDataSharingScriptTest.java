package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nixos-module/class-data-sharing.sh, the NixOS service's start command, run here with bash and this machine's JVM
 * in front of a stand-in for the package's bin/javameet (a jar whose main prints its arguments): the first start
 * trains (the JVM writes the archive as it exits), the next checks and uses it, a damaged archive is dropped and
 * never mapped, another package gets its own, and without a writable cache directory the server still starts.
 */
class ClassDataSharingScriptTest {
    private static final Path SCRIPT = NixInstantiate.NIXOS_MODULE.resolve("class-data-sharing.sh");

    @TempDir
    Path tmp;
    private Path cache;
    private Path wrapper;

    /** Stands in for the server: prints what it was started with, and how its own class was loaded. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("probe " + String.join(" ", args));
        }
    }

    @BeforeEach
    void packageAndCache() throws IOException {
        cache = Files.createDirectory(tmp.resolve("cache"));
        wrapper = writeWrapper("bin-javameet", "");
    }

    @Test
    void trainsAtTheFirstStopThenChecksAndUsesTheArchive() throws Exception {
        Run first = run(wrapper, cache, "--config", "/etc/javameet.json");
        assertEquals(0, first.exitCode, first.output);
        assertTrue(first.output.contains("probe --config /etc/javameet.json"), first.output);
        assertTrue(first.output.contains("no archive for this package yet"), first.output);
        assertEquals(List.of(".jsa.new"), suffixes(), "the JVM wrote its archive as it exited");

        Run second = run(wrapper, cache, "--config", "/etc/javameet.json");
        assertEquals(0, second.exitCode, second.output);
        assertTrue(second.output.contains("new archive checked"), second.output);
        assertTrue(second.output.contains(Probe.class.getName() + " source: shared objects file (top)"),
                "the server's own classes come from the archive:\n" + second.output);
        assertEquals(List.of(".jsa"), suffixes());

        Run third = run(wrapper, cache);
        assertTrue(third.output.contains(Probe.class.getName() + " source: shared objects file (top)"), third.output);
        assertFalse(third.output.contains("class-data sharing:"), "nothing to say when all is in place:\n" + third.output);
    }

    @Test
    void anArchiveCutShortIsDroppedNotMapped() throws Exception {
        run(wrapper, cache);
        Path candidate = onlyFile();
        byte[] whole = Files.readAllBytes(candidate);
        Files.write(candidate, java.util.Arrays.copyOf(whole, whole.length / 3)); // the JVM killed while writing it
        Run next = run(wrapper, cache);
        assertEquals(0, next.exitCode, next.output);
        assertTrue(next.output.contains("does not map; dropped, training again"), next.output);
        assertTrue(next.output.contains("probe"), next.output);
        assertEquals(List.of(".jsa.new"), suffixes(), "trained again; the check's crash report is gone too");
    }

    @Test
    void anotherPackageGetsItsOwnArchiveAndTheOldOneGoes() throws Exception {
        run(wrapper, cache);
        run(wrapper, cache);
        Path old = onlyFile();
        Path upgraded = writeWrapper("bin-javameet-upgraded", "# another JRE or jar\n");
        Run next = run(upgraded, cache);
        assertEquals(0, next.exitCode, next.output);
        assertTrue(next.output.contains("removed " + old), next.output);
        assertEquals(List.of(".jsa.new"), suffixes());
        assertFalse(onlyFile().getFileName().toString().startsWith(old.getFileName().toString()));
    }

    @Test
    void withoutAWritableCacheDirectoryTheServerStartsAsBefore() throws Exception {
        Run none = run(wrapper, null, "--version");
        assertEquals(0, none.exitCode, none.output);
        assertTrue(none.output.contains("off (no writable cache directory)"), none.output);
        assertTrue(none.output.contains("probe --version"), none.output);
        Run missing = run(wrapper, tmp.resolve("no-such-directory"));
        assertEquals(0, missing.exitCode, missing.output);
        assertTrue(missing.output.contains("probe"), missing.output);
    }

    private Path writeWrapper(String name, String extra) throws IOException {
        Path jar = tmp.resolve(name + ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                var in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path w = tmp.resolve(name);
        Files.writeString(w, "#!/bin/sh\n" + extra + "exec " + java + " -jar " + jar + " \"$@\"\n");
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxr-xr-x"));
        return w;
    }

    private List<String> suffixes() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString().replaceAll("^javameet-[0-9a-f]{16}", "")).sorted().toList();
        }
    }

    private Path onlyFile() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private record Run(int exitCode, String output) {}

    private static Run run(Path wrapper, Path cacheDirectory, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString(), wrapper.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(wrapper.getParent().toFile());
        Map<String, String> env = pb.environment();
        env.remove("CACHE_DIRECTORY");
        env.remove("JAVA_TOOL_OPTIONS");
        if (cacheDirectory != null) {
            env.put("CACHE_DIRECTORY", cacheDirectory.toString());
        }
        env.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info");
        Process p = pb.start();
        try (OutputStream stdin = p.getOutputStream()) {
            // nothing to send
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("class-data-sharing.sh did not finish in 120 s:\n" + output);
        }
        return new Run(p.exitValue(), output);
    }
}
