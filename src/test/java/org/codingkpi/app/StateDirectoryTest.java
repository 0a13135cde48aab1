package org.codingkpi.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The state directory holds encounter and claim identifiers at rest: owner-only, whoever made it. */
class StateDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aNewStateDirectoryIsCreatedOwnerOnly() {
        Path state = Pipeline.ownerOnly(dir.resolve("var/lib/coding-kpi"));
        assertThat(Files.isDirectory(state)).isTrue();
        assertThat(PosixFilePermissions.toString(permissions(state))).isEqualTo("rwx------");
    }

    @Test
    void anExistingStateDirectoryIsMadeOwnerOnly() throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        Pipeline.ownerOnly(state);
        assertThat(PosixFilePermissions.toString(permissions(state))).isEqualTo("rwx------");
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
