package org.codingkpi.roi;

/**
 * A ROI configuration that cannot be used: unreadable file, bad YAML, a value of the wrong type or out of
 * range, an unknown key. The message is meant for an operator, without a stack trace, and names the key
 * path and the expected form, e.g. {@code scenarios.expected.ramp_months: expected a positive integer, got "six"}.
 */
public final class RoiConfigException extends RuntimeException {
    private final String keyPath;

    public RoiConfigException(String keyPath, String problem) {
        super(keyPath.isEmpty() ? problem : keyPath + ": " + problem);
        this.keyPath = keyPath;
    }

    public RoiConfigException(String message, Throwable cause) {
        super(message, cause);
        this.keyPath = "";
    }

    /** The dotted key path the problem is about ({@code ""} for the file as a whole). */
    public String keyPath() {
        return keyPath;
    }
}
