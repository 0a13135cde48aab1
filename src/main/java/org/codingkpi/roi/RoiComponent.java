package org.codingkpi.roi;

import java.util.Locale;

/** The benefit components of ROI.md; {@link #label()} is the {@code component} label value. */
public enum RoiComponent {
    LABOR, DENIALS, CASH;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
