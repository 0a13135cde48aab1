package org.codingkpi.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.compliance.audit.FindingKind;
import org.codingkpi.compliance.audit.FindingScope;
import org.codingkpi.compliance.audit.FindingStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The auditor's view of the findings: the latest record of each finding (open ones first, oldest
 * first; then closed ones, latest closed first), as readable text ({@code audit}) or JSON
 * ({@code replay --out DIR}: {@code DIR/audit-findings.json}). This is the one place besides the
 * audit topic where sample encounter ids are shown.
 */
public final class AuditReport {
    private AuditReport() {
    }

    /** The latest record of every finding id, in the order of the records given. */
    public static List<AuditFinding> fold(Iterable<AuditFinding> records) {
        Map<String, AuditFinding> latest = new LinkedHashMap<>();
        for (AuditFinding f : records) {
            latest.put(f.getFindingId(), f);
        }
        List<AuditFinding> out = new ArrayList<>(latest.values());
        out.sort(AuditReport::order);
        return out;
    }

    private static int order(AuditFinding a, AuditFinding b) {
        boolean aOpen = a.getStatus() == FindingStatus.OPEN;
        if (aOpen != (b.getStatus() == FindingStatus.OPEN)) {
            return aOpen ? -1 : 1;
        }
        int c = aOpen ? a.getRaisedAt().compareTo(b.getRaisedAt()) : b.getClosedAt().compareTo(a.getClosedAt());
        return c != 0 ? c : a.getFindingId().compareTo(b.getFindingId());
    }

    /** Readable text: each finding with its scope, window, statistic, counts, baseline and evidence. */
    public static String text(List<AuditFinding> findings) {
        StringBuilder sb = new StringBuilder();
        long open = findings.stream().filter(f -> f.getStatus() == FindingStatus.OPEN).count();
        section(sb, "OPEN FINDINGS", open, findings, FindingStatus.OPEN);
        sb.append('\n');
        section(sb, "CLOSED FINDINGS", findings.size() - open, findings, FindingStatus.CLOSED);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String title, long n, List<AuditFinding> findings, FindingStatus status) {
        sb.append(title).append(" (").append(n).append(")\n");
        if (n == 0) {
            sb.append("  none\n");
        }
        for (AuditFinding f : findings) {
            if (f.getStatus() != status) {
                continue;
            }
            sb.append('\n').append("[").append(f.getStatus()).append("] ").append(title(f.getKind())).append(" — ").append(scope(f.getScope())).append('\n');
            line(sb, "finding", f.getFindingId());
            line(sb, "raised", f.getRaisedAt() + " (stream time)");
            if (f.getClosedAt() != null) {
                line(sb, "closed", f.getClosedAt() + " (stream time)");
            }
            line(sb, "window", days(f.getWindowStart(), f.getWindowEnd()));
            if (f.getBaselineStart() != null) {
                line(sb, "baseline", days(f.getBaselineStart(), f.getBaselineEnd()));
            }
            line(sb, "statistic", String.format(Locale.ROOT, "%s %s when raised (threshold %s, peak %s%s)", f.getStatistic(), num(f.getValue()),
                    num(f.getThreshold()), num(f.getPeak()), f.getClosedValue() != null ? ", at close " + num(f.getClosedValue()) : ""));
            line(sb, "counts", join(f.getCounts()));
            line(sb, "observed", join(f.getObserved()));
            if (!f.getBaseline().isEmpty()) {
                line(sb, "baseline", join(f.getBaseline()));
            }
            line(sb, "summary", f.getSummary());
            line(sb, "evidence", f.getEvidence() + " (" + f.getSampleEncounterIds().size() + "):");
            List<String> ids = f.getSampleEncounterIds();
            for (int i = 0; i < ids.size(); i += 2) {
                sb.append("             ").append(ids.get(i)).append(i + 1 < ids.size() ? "  " + ids.get(i + 1) : "").append('\n');
            }
        }
    }

    /** Writes the findings as JSON: {"open": [...], "closed": [...]}. */
    public static void writeJson(List<AuditFinding> findings, Path file) throws IOException {
        Files.writeString(file, json(findings));
    }

    /** The findings as JSON: {"open": [...], "closed": [...]}. */
    public static String json(List<AuditFinding> findings) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Object> open = new ArrayList<>();
        List<Object> closed = new ArrayList<>();
        for (AuditFinding f : findings) {
            (f.getStatus() == FindingStatus.OPEN ? open : closed).add(json(f));
        }
        doc.put("open", open);
        doc.put("closed", closed);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n";
    }

    static Map<String, Object> json(AuditFinding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("finding_id", f.getFindingId());
        m.put("kind", f.getKind().name());
        m.put("status", f.getStatus().name());
        Map<String, Object> scope = new LinkedHashMap<>();
        FindingScope s = f.getScope();
        scope.put("facility", s.getFacility());
        scope.put("specialty", s.getSpecialty());
        scope.put("model_version", s.getModelVersion());
        scope.put("coder", s.getCoder());
        if (s.getSetting() != null || s.getRule() != null) {
            scope.put("setting", s.getSetting());
            scope.put("rule", s.getRule());
        }
        m.put("scope", scope);
        m.put("raised_at", f.getRaisedAt().toString());
        m.put("closed_at", f.getClosedAt() == null ? null : f.getClosedAt().toString());
        m.put("window_start", f.getWindowStart().toString());
        m.put("window_end", f.getWindowEnd().toString());
        m.put("baseline_start", f.getBaselineStart() == null ? null : f.getBaselineStart().toString());
        m.put("baseline_end", f.getBaselineEnd() == null ? null : f.getBaselineEnd().toString());
        m.put("statistic", f.getStatistic());
        m.put("value", f.getValue());
        m.put("threshold", f.getThreshold());
        m.put("peak", f.getPeak());
        m.put("closed_value", f.getClosedValue());
        m.put("counts", f.getCounts());
        m.put("observed", f.getObserved());
        m.put("baseline", f.getBaseline());
        m.put("sample_encounter_ids", f.getSampleEncounterIds());
        m.put("evidence", f.getEvidence());
        m.put("summary", f.getSummary());
        return m;
    }

    /** One line without encounter ids, for a console that tails the audit topic. */
    public static String oneLine(AuditFinding f) {
        return String.format(Locale.ROOT, "[audit] %-6s %s — %s: %s", f.getStatus(), title(f.getKind()), scope(f.getScope()), f.getSummary());
    }

    static String title(FindingKind kind) {
        return switch (kind) {
            case ACCEPTANCE_DRIFT -> "AI acceptance drift";
            case RUBBER_STAMPING_CODER -> "Rubber-stamping coder";
            case EM_LEVEL_SHIFT -> "E/M level shift";
            case ACCEPTANCE_COLLAPSE -> "AI acceptance collapse";
            case OVERSIGHT_BREACH -> "Oversight breach";
        };
    }

    static String scope(FindingScope s) {
        List<String> parts = new ArrayList<>();
        if (s.getFacility() != null) {
            parts.add("facility " + s.getFacility());
        }
        if (s.getSpecialty() != null) {
            parts.add("specialty " + s.getSpecialty());
        }
        if (s.getModelVersion() != null) {
            parts.add("model " + s.getModelVersion());
        }
        if (s.getSetting() != null) {
            parts.add("setting " + s.getSetting());
        }
        if (s.getRule() != null) {
            parts.add("rule " + s.getRule());
        }
        if (s.getCoder() != null) {
            parts.add("coder " + s.getCoder());
        }
        return String.join(", ", parts);
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "  %-10s %s%n", label, value));
    }

    /** An exclusive-end window as its first and last day. */
    private static String days(Instant start, Instant endExclusive) {
        LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(endExclusive.minusMillis(1), ZoneOffset.UTC);
        return first + " to " + last + " (" + (last.toEpochDay() - first.toEpochDay() + 1) + " days)";
    }

    private static String join(Map<String, ? extends Number> m) {
        if (m.isEmpty()) {
            return "—";
        }
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(num(v.doubleValue())));
        return sb.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.3f" : "%.2f", v);
    }
}
