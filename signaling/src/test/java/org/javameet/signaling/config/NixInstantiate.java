package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's {@code nix-instantiate} (single-user, no nixpkgs) for the tests of the NixOS module's
 * builtins-only files. Without it a test fails with how to get it, unless {@code -Djavameet.skipNix=true}.
 */
final class NixInstantiate {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    static final Path NIXOS_MODULE = REPO.resolve("nixos-module");
    private static final Path NIX_HOME = Path.of("target", "nix-home").toAbsolutePath();

    record Result(int exitCode, String stdout, String stderr) {}

    private final String program;

    private NixInstantiate(String program) {
        this.program = program;
    }

    /** The machine's nix-instantiate; fails (or skips, when asked) the calling test class without it. */
    static NixInstantiate find() throws IOException {
        String program = onPath("nix-instantiate");
        if (program == null) {
            Assumptions.assumeFalse(Boolean.getBoolean("javameet.skipNix"), "skipped: -Djavameet.skipNix=true");
            fail("nix-instantiate is not on PATH: install Debian's nix-bin (apt-get install nix-bin), as CI does,"
                    + " or skip these tests with -Djavameet.skipNix=true");
        }
        Files.createDirectories(NIX_HOME.resolve(".cache"));
        return new NixInstantiate(program);
    }

    /** {@code nix-instantiate --eval --strict --json --expr EXPR}. */
    Result evalJson(String expression) throws IOException, InterruptedException {
        return run("--eval", "--strict", "--json", "--expr", expression);
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        // Debian's nix-bin runs single-user: no nixbld group, and a writable home for its cache.
        pb.environment().put("NIX_CONFIG", "build-users-group =");
        pb.environment().put("HOME", NIX_HOME.toString());
        pb.environment().put("XDG_CACHE_HOME", NIX_HOME.resolve(".cache").toString());
        Path stderrFile = Files.createTempFile(Path.of("target"), "nix-stderr", ".txt");
        pb.redirectError(stderrFile.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("nix-instantiate " + String.join(" ", args) + " did not finish in 60 s");
        }
        String stderr = Files.readString(stderrFile);
        Files.delete(stderrFile);
        return new Result(p.exitValue(), stdout, stderr);
    }

    static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
