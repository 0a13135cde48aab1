package org.codingkpi.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code --version}: the version Maven built, from the filtered {@code version.properties}. */
public final class BuildVersion implements CommandLine.IVersionProvider {
    static final String RESOURCE = "version.properties";

    /** The project version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: build with Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
        String v = p.getProperty("version", "");
        if (v.isBlank() || v.contains("${")) {
            throw new IllegalStateException(RESOURCE + " was not filtered by Maven (version=" + v + ")");
        }
        return v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"coding-kpi " + version()};
    }
}
