package org.codingkpi.kpi;

import org.codingkpi.events.EventType;

/** The three input feeds (EVENTS.md): each keeps its own order and its own clock. */
public enum Feed {
    ENCOUNTERS, AI_SUGGESTIONS, CLAIMS;

    public static Feed of(EventType type) {
        return switch (type.defaultTopic()) {
            case "encounters" -> ENCOUNTERS;
            case "ai-suggestions" -> AI_SUGGESTIONS;
            default -> CLAIMS;
        };
    }

    /** The topic name of EVENTS.md, used in the state's metadata keys. */
    public String topic() {
        return switch (this) {
            case ENCOUNTERS -> "encounters";
            case AI_SUGGESTIONS -> "ai-suggestions";
            case CLAIMS -> "claims";
        };
    }
}
