package dev.pulse.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Programs the tests run that come from Debian's packages, installed by scripts/install-test-tools.sh. */
final class Executables {

    private Executables() {
    }

    /**
     * The executable {@code name} on the PATH.
     *
     * @throws AssertionError naming the Debian package when it is not installed
     */
    static Path onPath(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(name + " is not installed: run .ci/run, which installs Debian's " + debianPackage
                + " package, or apt-get install " + debianPackage);
    }
}
