package org.codingkpi.x12;

import io.xlate.edi.stream.EDIInputFactory;
import io.xlate.edi.stream.EDIStreamConstants;
import io.xlate.edi.stream.EDIStreamEvent;
import io.xlate.edi.stream.EDIStreamException;
import io.xlate.edi.stream.EDIStreamReader;
import io.xlate.edi.stream.EDIStreamValidationError;
import io.xlate.edi.stream.Location;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads X12 interchanges with the StAEDI library (envelopes, control numbers, segment counts and
 * segment syntax are the library's; this class keeps the segments of each transaction set and
 * decides which of the library's findings refuse a set, per shared/spec/X12.md).
 *
 * <p>Refused: a control number or count that does not match (ST/SE refuses its set, GS/GE every set
 * of the group, ISA/IEA every set of the interchange), a missing mandatory envelope segment or
 * element, a segment out of place in the envelope, and text the library cannot tokenize (broken
 * delimiters, a truncated set). Tolerated and only counted: element lengths, character data, code
 * values, dates and times the library checks on envelope segments.
 *
 * <p>Recovery: the library cannot go on after a syntax error, so this reader finds the next
 * {@code ST}, {@code GS} or {@code ISA} segment after the error with the interchange's own
 * delimiters and starts the library again there (behind the interchange's ISA and the group's GS
 * headers), so the file's other transaction sets are still read. This boundary scan is the only text
 * handling outside the library, and it only decides where to start reading again.
 *
 * <p>Never logs or reports element values (protected health information).
 */
public final class X12Reader {
    /** StAEDI logs through java.util.logging: keep its informational schema notes out of the output. */
    private static final Logger STAEDI_LOG = Logger.getLogger("io.xlate");

    static {
        STAEDI_LOG.setLevel(Level.WARNING);
    }

    private static final Set<EDIStreamValidationError> REFUSING = EnumSet.of(
            EDIStreamValidationError.CONTROL_REFERENCE_MISMATCH,
            EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT,
            EDIStreamValidationError.MANDATORY_SEGMENT_MISSING,
            EDIStreamValidationError.REQUIRED_DATA_ELEMENT_MISSING,
            EDIStreamValidationError.UNEXPECTED_SEGMENT,
            EDIStreamValidationError.SEGMENT_NOT_IN_PROPER_SEQUENCE,
            EDIStreamValidationError.UNRECOGNIZED_SEGMENT_ID,
            EDIStreamValidationError.SEGMENT_EXCEEDS_MAXIMUM_USE,
            EDIStreamValidationError.LOOP_OCCURS_OVER_MAXIMUM_TIMES);

    /** Why a transaction set was refused, and where (never a value). */
    public record Problem(String message, String where) {
        @Override
        public String toString() {
            return where + ": " + message;
        }
    }

    /**
     * One transaction set (ST..SE) as read.
     *
     * @param interchange ordinal of its interchange in the file (1-based)
     * @param group       ordinal of its functional group in the interchange (1-based)
     * @param sender      ISA06, trimmed
     * @param version     GS08
     * @param type        ST01 (835, 837, ...)
     * @param control     ST02
     * @param segments    ST..SE as far as read
     * @param claims      claim segments read (CLP in an 835, CLM in an 837)
     * @param problem     null when the envelope and syntax are sound
     * @param rawTail     after a syntax error, the raw text from the error to where reading started again; else null
     * @param line        line of its ST
     */
    public record TransactionSet(int interchange, int group, String sender, String version, String type, String control,
                                 List<X12Segment> segments, int claims, Problem problem, String rawTail, int line) {
        public boolean refused() {
            return problem != null;
        }

        /** The set's text as read, for the dead-letter record (rendered on demand: only refused sets need it). */
        public String text() {
            return render(segments, rawTail);
        }

        /** Where the set is, for reports: no values but control numbers. */
        public String where() {
            return "interchange " + interchange + ", group " + group + ", transaction set " + (type.isEmpty() ? "?" : type)
                    + " ST02 " + (control.isEmpty() ? "?" : control) + " (line " + line + ")";
        }

        TransactionSet refuse(Problem p) {
            return problem != null ? this : new TransactionSet(interchange, group, sender, version, type, control, segments,
                    claims, p, rawTail, line);
        }
    }

    /** Text that is not part of any transaction set the library could start (a broken interchange header, garbage). */
    public record Unreadable(int interchange, int line, String message, String text) {
    }

    /** What the reader found, in file order. */
    public interface Listener {
        void interchange(int ordinal);

        void transactionSet(TransactionSet set);

        void unreadable(Unreadable u);

        /** A finding of the library that does not refuse anything (an envelope element's length, a code value). */
        default void tolerated(String what) {
        }
    }

    private final String text;
    /** The text as UTF-8 when that is one byte a character (X12's character sets): a restart reads it in place, no copy. */
    private final byte[] ascii;
    private final int[] lineStarts;
    private final Listener listener;
    private int interchanges;

    private X12Reader(String text, Listener listener) {
        this.text = text;
        this.listener = listener;
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        this.ascii = utf8.length == text.length() ? utf8 : null;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Reads every interchange of a file's text (a UTF-8 byte-order mark already removed). */
    public static void read(String text, Listener listener) {
        new X12Reader(text, listener).readAll();
    }

    /** True when the content is X12: "ISA" first, after an optional UTF-8 byte-order mark and white space. */
    public static boolean looksLikeX12(byte[] head, int length) {
        int i = 0;
        if (length >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            i = 3;
        }
        while (i < length && (head[i] == ' ' || head[i] == '\r' || head[i] == '\n' || head[i] == '\t')) {
            i++;
        }
        return length - i >= 3 && head[i] == 'I' && head[i + 1] == 'S' && head[i + 2] == 'A';
    }

    int lineOf(int offset) {
        int idx = Arrays.binarySearch(lineStarts, Math.max(0, offset));
        return idx >= 0 ? idx + 1 : -idx - 1;
    }

    private void readAll() {
        int pos = skipBlank(0);
        String prefix = "";
        Resume resume = new Resume(null, null, 0, 0);
        while (pos < text.length()) {
            Run run = new Run(prefix, pos, resume);
            Restart next = run.execute();
            if (next == null) {
                return;
            }
            pos = next.pos;
            prefix = next.prefix;
            resume = next.resume;
        }
    }

    private int skipBlank(int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Where the library starts again after a syntax error. */
    private record Restart(int pos, String prefix, Resume resume) {
    }

    /** The envelope a restarted run continues (null isa: a fresh start). */
    private record Resume(X12Segment isa, X12Segment gs, int interchange, int group) {
    }

    /** One pass of the library over the text from {@code start}, behind an optional synthetic header. */
    private final class Run {
        final String prefix;
        final int start;
        final Resume resume;
        final boolean synthetic;
        boolean resumedInterchangePending;
        boolean resumedGroupPending;

        // envelope state
        X12Segment isa;
        X12Segment gs;
        Map<String, Character> delimiters;
        int interchange;
        int group;
        boolean inInterchange;
        boolean inGroup;
        boolean recoveredEnvelope;
        Problem interchangeProblem;
        Problem groupProblem;
        final List<TransactionSet> groupSets = new ArrayList<>();
        final List<TransactionSet> interchangeSets = new ArrayList<>();

        // transaction set state
        boolean inSet;
        int setStartOffset;
        int setStreamPosition;
        int setLine;
        String setType = "";
        String setControl = "";
        List<X12Segment> segments;
        int claims;
        Problem setProblem;

        // segment state
        String tag;
        int segLine;
        List<List<List<String>>> elements;

        Run(String prefix, int start, Resume resume) {
            this.prefix = prefix;
            this.start = start;
            this.resume = resume;
            this.synthetic = resume.isa != null;
            this.resumedInterchangePending = synthetic;
            this.resumedGroupPending = synthetic && resume.gs != null;
        }

        int fileOffset(Location l) {
            int off = l.getCharacterOffset() - 1 - prefix.length();
            return Math.min(text.length(), start + Math.max(0, off));
        }

        Restart execute() {
            java.io.InputStream in = ascii != null
                    ? new java.io.SequenceInputStream(new ByteArrayInputStream(prefix.getBytes(StandardCharsets.UTF_8)),
                            new ByteArrayInputStream(ascii, start, ascii.length - start))
                    : new ByteArrayInputStream((prefix + text.substring(start)).getBytes(StandardCharsets.UTF_8));
            EDIInputFactory factory = EDIInputFactory.newFactory();
            factory.setProperty(EDIInputFactory.EDI_VALIDATE_CONTROL_CODE_VALUES, false);
            EDIStreamReader r = factory.createEDIStreamReader(in);
            try {
                while (r.hasNext()) {
                    EDIStreamEvent e = r.next();
                    if (e.isError()) {
                        error(r);
                        continue;
                    }
                    switch (e) {
                        case START_INTERCHANGE -> startInterchange();
                        case START_GROUP -> startGroup();
                        case START_TRANSACTION -> startSet(r);
                        case START_SEGMENT -> {
                            tag = r.getText();
                            segLine = lineOf(fileOffset(r.getLocation()));
                            elements = new ArrayList<>();
                            if (inSet && (("835".equals(setType) && "CLP".equals(tag)) || ("837".equals(setType) && "CLM".equals(tag)))) {
                                claims++; // counted when it starts, so a claim cut off by a syntax error still counts
                            }
                        }
                        case ELEMENT_DATA -> element(r);
                        case END_SEGMENT -> endSegment(r);
                        case END_TRANSACTION -> endSet();
                        case END_GROUP -> endGroup();
                        case END_INTERCHANGE -> endInterchange();
                        default -> {
                        }
                    }
                }
                return null;
            } catch (EDIStreamException | RuntimeException ex) {
                return failed(ex, r);
            } finally {
                try {
                    r.close();
                } catch (IOException ignored) {
                    // in-memory stream
                }
            }
        }

        void startInterchange() {
            inInterchange = true;
            interchangeProblem = null;
            interchangeSets.clear();
            recoveredEnvelope = resumedInterchangePending;
            resumedInterchangePending = false;
            if (recoveredEnvelope) {
                interchange = resume.interchange;
                group = resume.group;
            } else {
                interchange = ++interchanges;
                group = 0;
                listener.interchange(interchange);
            }
        }

        void startGroup() {
            inGroup = true;
            groupProblem = null;
            groupSets.clear();
            if (resumedGroupPending) {
                resumedGroupPending = false; // the group the syntax error interrupted goes on under its number
            } else {
                group++;
            }
        }

        void startSet(EDIStreamReader r) {
            inSet = true;
            setStartOffset = fileOffset(r.getLocation());
            setStreamPosition = r.getLocation().getSegmentPosition();
            setType = "";
            setControl = "";
            segments = new ArrayList<>();
            claims = 0;
            setProblem = null;
        }

        void element(EDIStreamReader r) {
            Location l = r.getLocation();
            int e = l.getElementPosition();
            int o = Math.max(1, l.getElementOccurrence());
            int c = l.getComponentPosition();
            if (e < 1) {
                return;
            }
            while (elements.size() < e) {
                elements.add(new ArrayList<>());
            }
            List<List<String>> reps = elements.get(e - 1);
            while (reps.size() < o) {
                reps.add(new ArrayList<>());
            }
            List<String> comps = reps.get(o - 1);
            int index = c < 1 ? 1 : c;
            while (comps.size() < index - 1) {
                comps.add("");
            }
            comps.add(r.getText());
        }

        void endSegment(EDIStreamReader r) {
            int position = inSet ? segments.size() + 1 : 0;
            X12Segment seg = new X12Segment(tag, elements, position, segLine);
            switch (tag) {
                case "ISA" -> {
                    isa = seg;
                    delimiters = r.getDelimiters();
                }
                case "GS" -> gs = seg;
                default -> {
                }
            }
            if (inSet) {
                segments.add(seg);
                if ("ST".equals(tag)) {
                    setType = seg.el(1);
                    setControl = seg.el(2);
                    setLine = segLine;
                }
            }
        }

        void error(EDIStreamReader r) {
            EDIStreamValidationError type = r.getErrorType();
            Location l = r.getLocation();
            String segTag = l.getSegmentTag() == null ? "?" : l.getSegmentTag();
            String element = l.getElementPosition() > 0 ? String.format("%s%02d", segTag, l.getElementPosition()) : segTag;
            String what = type.name().toLowerCase().replace('_', ' ');
            if (!REFUSING.contains(type)) {
                listener.tolerated(element + ": " + what);
                return;
            }
            int line = lineOf(fileOffset(l));
            if (inSet) {
                int inSetPosition = l.getSegmentPosition() - setStreamPosition + 1;
                if (setProblem == null) {
                    setProblem = new Problem(element + ": " + what, "segment " + Math.max(1, inSetPosition) + " of the set ("
                            + segTag + "), line " + line);
                }
            } else if (inGroup && !"IEA".equals(segTag) && !"ISA".equals(segTag)) {
                if (recoveredEnvelope && type == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT) {
                    return; // a group resumed after a syntax error counts fewer sets than its GE: known already
                }
                if (groupProblem == null) {
                    groupProblem = new Problem("functional group envelope: " + element + ": " + what, segTag + " segment, line " + line);
                }
            } else {
                if (recoveredEnvelope && type == EDIStreamValidationError.CONTROL_COUNT_DOES_NOT_MATCH_ACTUAL_COUNT) {
                    return;
                }
                if (interchangeProblem == null) {
                    interchangeProblem = new Problem("interchange envelope: " + element + ": " + what, segTag + " segment, line " + line);
                }
            }
        }

        void endSet() {
            inSet = false;
            TransactionSet set = new TransactionSet(interchange, group, isa == null ? "" : isa.el(6).trim(),
                    gs == null ? "" : gs.el(8), setType, setControl, List.copyOf(segments), claims, setProblem,
                    null, setLine);
            (inGroup ? groupSets : interchangeSets).add(set);
        }

        void endGroup() {
            inGroup = false;
            for (TransactionSet s : groupSets) {
                interchangeSets.add(groupProblem == null ? s : s.refuse(groupProblem));
            }
            groupSets.clear();
        }

        void endInterchange() {
            inInterchange = false;
            for (TransactionSet s : interchangeSets) {
                listener.transactionSet(interchangeProblem == null ? s : s.refuse(interchangeProblem));
            }
            interchangeSets.clear();
            isa = null;
            gs = null;
            recoveredEnvelope = false;
        }

        /** The library gave up: refuse what it was reading, keep what is complete, and find where to start again. */
        Restart failed(Exception ex, EDIStreamReader r) {
            Location l = ex instanceof EDIStreamException se && se.getLocation() != null ? se.getLocation() : r.getLocation();
            int failOffset = l == null ? start : fileOffset(l);
            String reason = describe(ex, l);
            int line = lineOf(failOffset);
            Restart next = isa == null || delimiters == null ? nextInterchange(failOffset) : resync(failOffset);
            int end = next == null ? text.length() : next.pos;
            if (inSet) {
                int inSetPosition = segments.size() + 1;
                Problem p = setProblem != null ? setProblem
                        : new Problem(reason, "segment " + inSetPosition + " of the set, line " + line);
                String raw = text.substring(Math.min(failOffset, end), end);
                TransactionSet set = new TransactionSet(interchange, group, isa == null ? "" : isa.el(6).trim(),
                        gs == null ? "" : gs.el(8), setType, setControl, List.copyOf(segments), claims + countClaims(raw), p,
                        raw, setLine == 0 ? line : setLine);
                inSet = false;
                (inGroup ? groupSets : interchangeSets).add(set);
            } else if (end > failOffset && !text.substring(failOffset, end).isBlank()) {
                int from = inInterchange || isa != null ? failOffset : start;
                listener.unreadable(new Unreadable(isa == null ? interchanges + 1 : interchange, lineOf(from), reason,
                        text.substring(Math.min(from, end), end)));
            }
            // what is complete keeps its envelope's verdict so far; missing trailers are the truncation itself
            for (TransactionSet s : groupSets) {
                interchangeSets.add(groupProblem == null ? s : s.refuse(groupProblem));
            }
            groupSets.clear();
            for (TransactionSet s : interchangeSets) {
                listener.transactionSet(interchangeProblem == null ? s : s.refuse(interchangeProblem));
            }
            interchangeSets.clear();
            return next;
        }

        /** Claim segments in text the library could not read (so that conservation still counts them), by tag at a segment start. */
        int countClaims(String raw) {
            if (delimiters == null || !("835".equals(setType) || "837".equals(setType))) {
                return 0;
            }
            String claimTag = "835".equals(setType) ? "CLP" : "CLM";
            char seg = delimiters.get(EDIStreamConstants.Delimiters.SEGMENT);
            char el = delimiters.get(EDIStreamConstants.Delimiters.DATA_ELEMENT);
            int n = 0;
            int i = 0;
            while (i < raw.length()) {
                int t = raw.indexOf(seg, i);
                int segEnd = t < 0 ? raw.length() : t;
                String s = raw.substring(i, segEnd).strip();
                if (s.startsWith(claimTag + el)) {
                    n++;
                }
                i = segEnd + 1;
            }
            return n;
        }

        /** The next ST, GS or ISA after the failure, with this interchange's delimiters. */
        Restart resync(int from) {
            char seg = delimiters.get(EDIStreamConstants.Delimiters.SEGMENT);
            char el = delimiters.get(EDIStreamConstants.Delimiters.DATA_ELEMENT);
            int i = from;
            X12Segment group = gs;
            while (true) {
                int t = text.indexOf(seg, i);
                if (t < 0) {
                    return null;
                }
                int s = skipBlank(t + 1);
                if (s >= text.length()) {
                    return null;
                }
                if (text.startsWith("ISA", s)) {
                    return new Restart(s, "", new Resume(null, null, 0, 0));
                }
                if (text.startsWith("GS" + el, s)) {
                    return new Restart(s, header(isa, seg, el), new Resume(isa, null, interchange, group == null ? 0 : this.group));
                }
                if (text.startsWith("ST" + el, s) && group != null) {
                    return new Restart(s, header(isa, seg, el) + header(group, seg, el), new Resume(isa, group, interchange, this.group));
                }
                i = s;
            }
        }

        /** The next text that starts like an interchange header, after a header the library refused. */
        Restart nextInterchange(int from) {
            int i = Math.max(from, start + 1);
            while (true) {
                int s = text.indexOf("ISA", i);
                if (s < 0) {
                    return null;
                }
                if (s == 0 || !Character.isLetterOrDigit(text.charAt(s - 1))) {
                    return new Restart(s, "", new Resume(null, null, 0, 0));
                }
                i = s + 3;
            }
        }

        String header(X12Segment s, char seg, char el) {
            StringBuilder b = new StringBuilder(s.tag());
            for (List<List<String>> reps : s.elements()) {
                b.append(el);
                if (!reps.isEmpty() && !reps.get(0).isEmpty()) {
                    b.append(reps.get(0).get(0));
                }
            }
            return b.append(seg).toString();
        }
    }

    private static String render(List<X12Segment> segments, String rawTail) {
        StringBuilder b = new StringBuilder();
        for (X12Segment s : segments) {
            b.append(s.text()).append("~\n");
        }
        if (rawTail != null) {
            b.append(rawTail);
        }
        return b.toString();
    }

    /** The library's complaint without the character it choked on (which may be part of a value). */
    private static String describe(Exception ex, Location l) {
        String m = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        String code = m.startsWith("EDIE") && m.length() >= 7 ? m.substring(0, 7) : "";
        String where = l != null && l.getSegmentTag() != null ? " in or after segment " + l.getSegmentTag() : "";
        return switch (code) {
            case "EDIE005" -> "the file ends inside a segment" + where + " (" + code + ", truncated)";
            case "EDIE003" -> "not X12 syntax" + where + ": broken delimiters or structure (" + code + ")";
            case "" -> "unreadable" + where + " (" + ex.getClass().getSimpleName() + ")";
            default -> "unreadable" + where + " (" + code + ")";
        };
    }
}
