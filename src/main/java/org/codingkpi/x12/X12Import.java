package org.codingkpi.x12;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.EventType;
import org.codingkpi.events.EventValidator;
import org.codingkpi.events.InvalidEventException;

/**
 * One X12 file in: read ({@link X12Reader}), mapped ({@link X12Mapper}), each event validated and
 * handed to the sink, each refused transaction set handed to the sink as one dead-letter record
 * (reason {@code x12_invalid}), and a {@link X12Summary}. The sink decides where things go (Kafka,
 * a list in a test).
 */
public final class X12Import {
    /** Header: the refused set's position (interchange, group, ST02, segment, line). */
    public static final String POSITION_HEADER = "coding-kpi.x12.position";
    /** Header: why the set was refused. */
    public static final String ERROR_HEADER = "coding-kpi.x12.error";
    /** Header: the file the record came from (its name only). */
    public static final String FILE_HEADER = "coding-kpi.source.file";

    /** Where events and refused sets go. */
    public interface Sink {
        void event(SpecificRecord event);

        /** One refused transaction set (or unreadable text): its text and headers saying where and why. */
        void deadLetter(byte[] value, Map<String, String> headers);
    }

    private X12Import() {
    }

    /**
     * @param name        the file's name, for the report and the dead-letter header
     * @param bytes       the file's content (a UTF-8 byte-order mark is allowed)
     * @param wallClock   for the future-event rule
     */
    public static X12Summary read(String name, byte[] bytes, X12Settings settings, long wallClock, Sink sink) {
        int from = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        String text = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        X12Summary summary = new X12Summary(name);
        X12Reader.read(text, new X12Reader.Listener() {
            @Override
            public void interchange(int ordinal) {
                summary.interchanges++;
            }

            @Override
            public void transactionSet(X12Reader.TransactionSet set) {
                summary.transactionSets++;
                summary.setsByType.merge(set.type().isEmpty() ? "?" : set.type(), 1L, Long::sum);
                summary.claimsRead += set.claims();
                X12Mapper.SetResult result = X12Mapper.map(set, settings);
                if (result.refusal() != null) {
                    refuse(set, result.refusal(), result.claims());
                    return;
                }
                result.claimsByStatus().forEach((k, v) -> summary.claimsByStatus.merge(k, v, Long::sum));
                result.skippedByStatus().forEach((k, v) -> {
                    summary.skippedByStatus.merge(k, v, Long::sum);
                    summary.skipped += v;
                });
                for (SpecificRecord e : result.events()) {
                    try {
                        EventValidator.validate(e, wallClock);
                    } catch (InvalidEventException ex) {
                        summary.invalid(ex.reason());
                    }
                    summary.event(EventType.of(e));
                    sink.event(e);
                }
            }

            private void refuse(X12Reader.TransactionSet set, X12Reader.Problem p, int claims) {
                summary.claimsInDeadLettered += claims;
                summary.deadLettered.add(new X12Summary.DeadLettered(set.where() + ", " + p.where(), p.message(), claims));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put(FILE_HEADER, name);
                headers.put(POSITION_HEADER, set.where() + ", " + p.where());
                headers.put(ERROR_HEADER, p.message());
                sink.deadLetter(set.text().getBytes(StandardCharsets.UTF_8), headers);
            }

            @Override
            public void unreadable(X12Reader.Unreadable u) {
                String where = "interchange " + u.interchange() + " (line " + u.line() + "), not a readable transaction set";
                summary.deadLettered.add(new X12Summary.DeadLettered(where, u.message(), 0));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put(FILE_HEADER, name);
                headers.put(POSITION_HEADER, where);
                headers.put(ERROR_HEADER, u.message());
                sink.deadLetter(u.text().getBytes(StandardCharsets.UTF_8), headers);
            }

            @Override
            public void tolerated(String what) {
                summary.toleratedFindings++;
            }
        });
        return summary;
    }
}
