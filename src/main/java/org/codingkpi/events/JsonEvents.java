package org.codingkpi.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The JSON-lines codec of shared/spec/EVENTS.md "JSON lines": one event per line, {@code "type"}
 * naming one of the event types, snake_case fields, unions as plain values, money as
 * integer cents, times as ISO-8601 strings with a zone.
 *
 * <p>The conversion is driven by the Avro schema of each type, compiled once into readers. A line
 * in the common form ({@code "type"} first, every value present with its JSON type, as
 * {@link #toJson} writes it) is read straight from the parser's tokens into the record; any other
 * line (and any line that is not accepted) is parsed again into a JSON tree and that tree is walked,
 * which gives every rejection its reason. Both readers accept exactly the same lines into the same
 * records ({@code JsonEventsTest} compares them). Only the
 * decoding checks live here (syntax, schema, presence, JSON types, enum symbols); semantic checks
 * (negative money, revision, time order, confidence, future events) are done on the record by the
 * validator.
 *
 * <p>Rejection messages name the field, never its value: a value may be an identifier (protected
 * health information), and messages end up in logs and dead-letter headers.
 *
 * <p>Thread-safe: all state is immutable after class initialisation.
 */
public final class JsonEvents {

    /** One parsed line: either an event, or the reason it was rejected. */
    public record Parsed(SpecificRecord event, EventType type, RejectReason reason, String message) {

        static Parsed accepted(EventType type, SpecificRecord event) {
            return new Parsed(event, type, null, null);
        }

        static Parsed rejected(RejectReason reason, EventType type, String message) {
            return new Parsed(null, type, reason, message);
        }

        /** True when the line decoded into an event. */
        public boolean ok() {
            return event != null;
        }
    }

    /**
     * Parser buffers from a small shared pool: Jackson's default pool is a thread-local, and in a
     * process with as many thread-locals as this one (Kafka, Avro) finding it cost an eighth of a line's parse.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(64)).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Avro full name of each generated record class -> its constructor (avoids Avro's reflective class lookup). */
    private static final Map<String, Supplier<SpecificRecordBase>> RECORD_FACTORIES = Map.of(
            EncounterDischarged.getClassSchema().getFullName(), EncounterDischarged::new,
            EncounterCoded.getClassSchema().getFullName(), EncounterCoded::new,
            AiSuggestionReviewed.getClassSchema().getFullName(), AiSuggestionReviewed::new,
            ClaimDenied.getClassSchema().getFullName(), ClaimDenied::new,
            ClaimPaid.getClassSchema().getFullName(), ClaimPaid::new,
            ClaimSubmitted.getClassSchema().getFullName(), ClaimSubmitted::new,
            ClaimReversed.getClassSchema().getFullName(), ClaimReversed::new,
            CodingAudited.getClassSchema().getFullName(), CodingAudited::new,
            CodeEntry.getClassSchema().getFullName(), CodeEntry::new,
            Adjustment.getClassSchema().getFullName(), Adjustment::new);

    private static final Map<String, Enum<?>[]> ENUM_CONSTANTS = Map.of(
            Setting.getClassSchema().getFullName(), Setting.values(),
            CodingMode.getClassSchema().getFullName(), CodingMode.values(),
            CodeSystem.getClassSchema().getFullName(), CodeSystem.values(),
            CodeSource.getClassSchema().getFullName(), CodeSource.values(),
            Decision.getClassSchema().getFullName(), Decision.values(),
            AdjustmentGroup.getClassSchema().getFullName(), AdjustmentGroup.values(),
            ClaimFrequency.getClassSchema().getFullName(), ClaimFrequency.values(),
            AuditVerdict.getClassSchema().getFullName(), AuditVerdict.values());

    /** Type name (simple and full Avro name) -> compiled reader. */
    private static final Map<String, TypeReader> READERS = new HashMap<>();

    static {
        for (EventType t : EventType.values()) {
            TypeReader r = new TypeReader(t, compileRecord(t.schema()), new RecordTokens(t.schema()));
            READERS.put(t.name(), r);
            READERS.put(t.schema().getFullName(), r);
        }
    }

    private JsonEvents() {
    }

    // ------------------------------------------------------------------------------------------
    // parse

    /** Decodes one JSON line into an event, or says why it cannot (without quoting any value). */
    public static Parsed parse(String line) {
        if (line == null) {
            return Parsed.rejected(RejectReason.UNDECODABLE, null, "empty line");
        }
        Parsed common = commonForm(() -> FACTORY.createParser(line));
        return common != null ? common : parseTree(line);
    }

    /** {@link #parse(String)} through the JSON tree only (the reader of every uncommon line; tests compare the two). */
    static Parsed parseTree(String line) {
        try {
            return decode(MAPPER.readTree(line));
        } catch (JsonProcessingException e) {
            return notJson(e);
        }
    }

    /** Same as {@link #parse(String)} for UTF-8 bytes (e.g. a Kafka record value); malformed UTF-8 is undecodable. */
    public static Parsed parse(byte[] utf8) {
        if (utf8 == null) {
            return Parsed.rejected(RejectReason.UNDECODABLE, null, "empty value");
        }
        return parse(utf8, 0, utf8.length);
    }

    /** Same as {@link #parse(byte[])} for {@code length} bytes of {@code utf8} from {@code offset} (e.g. a line of a file). */
    public static Parsed parse(byte[] utf8, int offset, int length) {
        Parsed common = commonForm(() -> FACTORY.createParser(utf8, offset, length));
        if (common != null) {
            return common;
        }
        try {
            return decode(MAPPER.readTree(utf8, offset, length));
        } catch (JsonProcessingException e) {
            return notJson(e);
        } catch (IOException e) {
            return Parsed.rejected(RejectReason.UNDECODABLE, null, "not valid JSON");
        }
    }

    private static Parsed notJson(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at column " + at.getColumnNr();
        return Parsed.rejected(RejectReason.UNDECODABLE, null, "not valid JSON" + where);
    }

    private static Parsed decode(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Parsed.rejected(RejectReason.UNDECODABLE, null, "not a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return Parsed.rejected(RejectReason.UNKNOWN_SCHEMA, null, "missing field 'type'");
        }
        if (!typeNode.isTextual()) {
            return Parsed.rejected(RejectReason.UNKNOWN_SCHEMA, null, "field 'type' is not a string");
        }
        TypeReader reader = READERS.get(typeNode.textValue());
        if (reader == null) {
            return Parsed.rejected(RejectReason.UNKNOWN_SCHEMA, null, "unknown event type");
        }
        try {
            return Parsed.accepted(reader.type, (SpecificRecord) reader.reader.read(root));
        } catch (Reject r) {
            return Parsed.rejected(r.reason, reader.type, reader.type.name() + ": " + r.describe());
        }
    }

    private record TypeReader(EventType type, ValueReader reader, RecordTokens tokens) {
    }

    /** A decoding failure; carries the field path, built while unwinding. Cheap: no stack trace. */
    private static final class Reject extends RuntimeException {
        final RejectReason reason;
        final String problem;
        String path = "";

        Reject(RejectReason reason, String problem) {
            super(null, null, false, false);
            this.reason = reason;
            this.problem = problem;
        }

        Reject under(String segment) {
            path = path.isEmpty() ? segment : (path.startsWith("[") ? segment + path : segment + "." + path);
            return this;
        }

        String describe() {
            return path.isEmpty() ? problem : "field '" + path + "' " + problem;
        }
    }

    @FunctionalInterface
    private interface ValueReader {
        /** Reads a non-null JSON value. */
        Object read(JsonNode node);
    }

    private static Reject wrongType(String expected, JsonNode node) {
        return new Reject(RejectReason.UNDECODABLE,
                "expected " + expected + ", got " + node.getNodeType().name().toLowerCase());
    }

    private static ValueReader compile(Schema s) {
        switch (s.getType()) {
            case RECORD:
                return compileRecord(s);
            case ENUM:
                return compileEnum(s);
            case ARRAY: {
                ValueReader item = compile(s.getElementType());
                return node -> {
                    if (!node.isArray()) {
                        throw wrongType("an array", node);
                    }
                    List<Object> out = new ArrayList<>(node.size());
                    for (int i = 0; i < node.size(); i++) {
                        JsonNode v = node.get(i);
                        if (v.isNull()) {
                            throw new Reject(RejectReason.MISSING_FIELD, "is null").under("[" + i + "]");
                        }
                        try {
                            out.add(item.read(v));
                        } catch (Reject r) {
                            throw r.under("[" + i + "]");
                        }
                    }
                    return out;
                };
            }
            case UNION:
                return compile(nonNullBranch(s));
            case STRING:
                return node -> {
                    if (!node.isTextual()) {
                        throw wrongType("a string", node);
                    }
                    return node.textValue();
                };
            case INT:
                return node -> {
                    if (!node.isIntegralNumber()) {
                        throw wrongType("an integer", node);
                    }
                    if (!node.canConvertToInt()) {
                        throw new Reject(RejectReason.UNDECODABLE, "is out of the int range");
                    }
                    return node.intValue();
                };
            case LONG:
                if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return JsonEvents::readTimestamp;
                }
                return node -> {
                    if (!node.isIntegralNumber()) {
                        throw wrongType("an integer", node);
                    }
                    if (!node.canConvertToLong()) {
                        throw new Reject(RejectReason.UNDECODABLE, "is out of the long range");
                    }
                    return node.longValue();
                };
            case DOUBLE:
                return node -> {
                    if (!node.isNumber()) {
                        throw wrongType("a number", node);
                    }
                    return node.doubleValue();
                };
            case FLOAT:
                return node -> {
                    if (!node.isNumber()) {
                        throw wrongType("a number", node);
                    }
                    return node.floatValue();
                };
            case BOOLEAN:
                return node -> {
                    if (!node.isBoolean()) {
                        throw wrongType("a boolean", node);
                    }
                    return node.booleanValue();
                };
            default:
                throw new IllegalStateException("unsupported schema type " + s.getType());
        }
    }

    /**
     * The common form, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, read without the formatter (a tenth of
     * its cost, and most of an import's parsing): exactly what {@link Instant#parse} returns for it,
     * truncated to milliseconds. Anything else (offsets, zones, a leap second, an impossible date)
     * returns null and takes the full parsers.
     */
    static Instant fastUtc(String t) {
        int n = t.length();
        if (n < 20 || n > 30 || t.charAt(n - 1) != 'Z' || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T'
                || t.charAt(13) != ':' || t.charAt(16) != ':') {
            return null;
        }
        int year = digits(t, 0, 4);
        int month = digits(t, 5, 2);
        int day = digits(t, 8, 2);
        int hour = digits(t, 11, 2);
        int minute = digits(t, 14, 2);
        int second = digits(t, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int millis = 0;
        if (n > 20) {
            if (t.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = n - 21;
            int f = digits(t, 20, fraction);
            if (f < 0) {
                return null;
            }
            millis = fraction >= 3 ? digits(t, 20, 3) : f * (fraction == 1 ? 100 : 10);
        }
        if (day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochMilli((epochDay * 86_400L + hour * 3600L + minute * 60L + second) * 1000L + millis);
    }

    /** The decimal value of {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String t, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static Instant readTimestamp(JsonNode node) {
        if (!node.isTextual()) {
            throw wrongType("an ISO-8601 timestamp string", node);
        }
        return timestamp(node.textValue());
    }

    /** An ISO-8601 timestamp with a zone, truncated to milliseconds; a {@link Reject} otherwise. */
    private static Instant timestamp(String text) {
        Instant instant = fastUtc(text);
        if (instant != null) {
            return instant;
        }
        try {
            instant = Instant.parse(text); // accepts Z and +hh:mm offsets
        } catch (DateTimeException e) {
            try {
                instant = OffsetDateTime.parse(text).toInstant(); // e.g. without seconds
            } catch (DateTimeException e2) {
                try {
                    instant = ZonedDateTime.parse(text).toInstant(); // e.g. with a [region] id
                } catch (DateTimeException e3) {
                    throw new Reject(RejectReason.UNDECODABLE, "is not an ISO-8601 timestamp with a zone");
                }
            }
        }
        // timestamp-millis: what Avro would keep
        return instant.getNano() % 1_000_000 == 0 ? instant : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The one type of a union of null and that type (the only unions the schemas use). */
    private static Schema nonNullBranch(Schema union) {
        List<Schema> branches = new ArrayList<>();
        for (Schema b : union.getTypes()) {
            if (b.getType() != Schema.Type.NULL) {
                branches.add(b);
            }
        }
        if (branches.size() != 1) {
            throw new IllegalStateException("only unions of null and one type are supported: " + union);
        }
        return branches.get(0);
    }

    /** An enum schema's constants by symbol. */
    private static Map<String, Enum<?>> symbols(Schema s) {
        Enum<?>[] constants = ENUM_CONSTANTS.get(s.getFullName());
        if (constants == null) {
            throw new IllegalStateException("no enum class registered for " + s.getFullName());
        }
        Map<String, Enum<?>> bySymbol = new HashMap<>();
        for (Enum<?> c : constants) {
            bySymbol.put(c.name(), c);
        }
        return bySymbol;
    }

    private static ValueReader compileEnum(Schema s) {
        Map<String, Enum<?>> bySymbol = symbols(s);
        String enumName = s.getName();
        return node -> {
            if (!node.isTextual()) {
                throw wrongType("a string", node);
            }
            Enum<?> value = bySymbol.get(node.textValue());
            if (value == null) {
                throw new Reject(RejectReason.INVALID_ENUM, "is not a symbol of " + enumName);
            }
            return value;
        };
    }

    private static final int REQUIRED = 0;
    private static final int NULLABLE = 1;
    private static final int HAS_DEFAULT = 2;

    private static Supplier<SpecificRecordBase> recordFactory(Schema s) {
        Supplier<SpecificRecordBase> factory = RECORD_FACTORIES.get(s.getFullName());
        if (factory == null) {
            throw new IllegalStateException("no record class registered for " + s.getFullName());
        }
        return factory;
    }

    /** What a field takes when a line leaves it out or null: {@link #NULLABLE}, {@link #HAS_DEFAULT} or {@link #REQUIRED}. */
    private static int absence(Schema.Field f) {
        return f.schema().isNullable() ? NULLABLE : f.hasDefaultValue() ? HAS_DEFAULT : REQUIRED;
    }

    private static ValueReader compileRecord(Schema s) {
        Supplier<SpecificRecordBase> factory = recordFactory(s);
        List<Schema.Field> fields = s.getFields();
        int n = fields.size();
        String[] names = new String[n];
        ValueReader[] readers = new ValueReader[n];
        int[] absent = new int[n];
        Supplier<?>[] defaults = new Supplier<?>[n];
        for (int i = 0; i < n; i++) {
            Schema.Field f = fields.get(i);
            names[i] = f.name();
            readers[i] = compile(f.schema());
            absent[i] = absence(f);
            defaults[i] = absent[i] == HAS_DEFAULT ? defaultSupplier(f) : null;
        }
        return node -> {
            if (!node.isObject()) {
                throw wrongType("an object", node);
            }
            SpecificRecordBase record = factory.get();
            for (int i = 0; i < n; i++) {
                JsonNode v = node.get(names[i]);
                if (v == null || v.isNull()) {
                    switch (absent[i]) {
                        case NULLABLE -> record.put(i, null);
                        case HAS_DEFAULT -> record.put(i, defaults[i].get());
                        default -> throw new Reject(RejectReason.MISSING_FIELD, "is missing").under(names[i]);
                    }
                } else {
                    try {
                        record.put(i, readers[i].read(v));
                    } catch (Reject r) {
                        throw r.under(names[i]);
                    }
                }
            }
            return record;
        };
    }

    private static Supplier<?> defaultSupplier(Schema.Field f) {
        Object def = f.defaultVal();
        Schema s = f.schema();
        switch (s.getType()) {
            case ARRAY:
                if (!(def instanceof Collection<?> c) || !c.isEmpty()) {
                    throw new IllegalStateException("only empty array defaults are supported: " + f);
                }
                return ArrayList::new;
            case STRING:
                return () -> def.toString();
            case INT: {
                int v = ((Number) def).intValue();
                return () -> v;
            }
            case LONG: {
                long v = ((Number) def).longValue();
                if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    Instant t = Instant.ofEpochMilli(v);
                    return () -> t;
                }
                return () -> v;
            }
            case DOUBLE: {
                double v = ((Number) def).doubleValue();
                return () -> v;
            }
            case BOOLEAN: {
                boolean v = (Boolean) def;
                return () -> v;
            }
            case ENUM: {
                Enum<?>[] constants = ENUM_CONSTANTS.get(s.getFullName());
                for (Enum<?> c : constants) {
                    if (c.name().equals(def)) {
                        return () -> c;
                    }
                }
                throw new IllegalStateException("bad enum default: " + f);
            }
            default:
                if (def == null || def == JsonProperties.NULL_VALUE) {
                    return () -> null;
                }
                throw new IllegalStateException("unsupported default: " + f);
        }
    }

    // ------------------------------------------------------------------------------------------
    // the common form, from the parser's tokens

    /**
     * The line is not in the common form, or not acceptable: the tree reader takes it. Thrown as
     * often as there are bad lines, so without a stack trace.
     */
    private static final class NotCommonForm extends RuntimeException {
        static final NotCommonForm INSTANCE = new NotCommonForm();

        private NotCommonForm() {
            super(null, null, false, false);
        }
    }

    private static NotCommonForm uncommon() {
        return NotCommonForm.INSTANCE;
    }

    /** Reads the value at the parser's current token (never null: a JSON null is the record's business). */
    @FunctionalInterface
    private interface TokenReader {
        Object read(JsonParser p) throws IOException;
    }

    /** Opens a parser on a line. */
    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** The line read in the common form, or null when it is not in it (the tree reader then decides, and says why). */
    private static Parsed commonForm(ParserSource line) {
        try (JsonParser p = line.open()) {
            return fromTokens(p);
        } catch (IOException | NotCommonForm e) {
            return null;
        }
    }

    /**
     * An object whose first member is a known {@code "type"}, read into its record; null when the
     * line is not in the common form. Throws {@link NotCommonForm} or {@link IOException} for the
     * same reason.
     */
    private static Parsed fromTokens(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"type".equals(p.currentName())
                || p.nextToken() != JsonToken.VALUE_STRING) {
            return null;
        }
        TypeReader reader = READERS.get(p.getText());
        if (reader == null) {
            return null;
        }
        SpecificRecord event = (SpecificRecord) reader.tokens().readMembers(p, true);
        if (p.nextToken() != null) {
            return null; // trailing tokens: the tree reader rejects them
        }
        return Parsed.accepted(reader.type(), event);
    }

    private static TokenReader compileTokens(Schema s) {
        switch (s.getType()) {
            case RECORD:
                return new RecordTokens(s);
            case ENUM: {
                Map<String, Enum<?>> bySymbol = symbols(s);
                return p -> {
                    Enum<?> value = p.currentToken() == JsonToken.VALUE_STRING ? bySymbol.get(p.getText()) : null;
                    if (value == null) {
                        throw uncommon();
                    }
                    return value;
                };
            }
            case ARRAY: {
                TokenReader item = compileTokens(s.getElementType());
                return p -> {
                    if (p.currentToken() != JsonToken.START_ARRAY) {
                        throw uncommon();
                    }
                    List<Object> out = new ArrayList<>();
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == null || t == JsonToken.VALUE_NULL) {
                            throw uncommon();
                        }
                        out.add(item.read(p));
                    }
                    return out;
                };
            }
            case UNION:
                return compileTokens(nonNullBranch(s));
            case STRING:
                return p -> {
                    if (p.currentToken() != JsonToken.VALUE_STRING) {
                        throw uncommon();
                    }
                    return p.getText();
                };
            case INT:
                return p -> {
                    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        throw uncommon();
                    }
                    return p.getIntValue();
                };
            case LONG:
                if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                    return p -> {
                        if (p.currentToken() != JsonToken.VALUE_STRING) {
                            throw uncommon();
                        }
                        try {
                            return timestamp(p.getText());
                        } catch (Reject r) {
                            throw uncommon();
                        }
                    };
                }
                return p -> {
                    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw uncommon();
                    }
                    return p.getLongValue();
                };
            case DOUBLE:
                return p -> number(p);
            case FLOAT:
                return p -> (float) number(p); // as the tree's DoubleNode.floatValue()
            case BOOLEAN:
                return p -> switch (p.currentToken()) {
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    default -> throw uncommon();
                };
            default:
                throw new IllegalStateException("unsupported schema type " + s.getType());
        }
    }

    /** A JSON number as the tree reads it: a double, or an int or long (a larger integer is uncommon). */
    private static double number(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getDoubleValue();
        }
        throw uncommon();
    }

    /** A record's members by name, in any order; unknown members skipped; a member twice, or a required one missing, is uncommon. */
    private static final class RecordTokens implements TokenReader {
        private final Supplier<SpecificRecordBase> factory;
        private final Map<String, Integer> index = new HashMap<>();
        /** Interned, as the parser's member names are: members in schema order are found by identity. */
        private final String[] names;
        private final TokenReader[] readers;
        private final int[] absent;
        private final Supplier<?>[] defaults;

        RecordTokens(Schema s) {
            factory = recordFactory(s);
            List<Schema.Field> fields = s.getFields();
            names = new String[fields.size()];
            readers = new TokenReader[fields.size()];
            absent = new int[fields.size()];
            defaults = new Supplier<?>[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                Schema.Field f = fields.get(i);
                names[i] = f.name().intern();
                index.put(names[i], i);
                readers[i] = compileTokens(f.schema());
                absent[i] = absence(f);
                defaults[i] = absent[i] == HAS_DEFAULT ? defaultSupplier(f) : null;
            }
        }

        @Override
        public Object read(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw uncommon();
            }
            return readMembers(p, false);
        }

        /** The members after the object's start (and, at the top, after its "type"), through its end. */
        Object readMembers(JsonParser p, boolean top) throws IOException {
            SpecificRecordBase record = factory.get();
            boolean[] set = new boolean[readers.length];
            int next = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw uncommon();
                }
                String name = p.currentName();
                Integer i = next < names.length && names[next] == name ? Integer.valueOf(next) : index.get(name);
                next = i == null ? next : i + 1;
                JsonToken value = p.nextToken();
                if (i == null) {
                    if (top && "type".equals(name)) {
                        throw uncommon(); // a second "type": the tree keeps the last one
                    }
                    p.skipChildren();
                    continue;
                }
                if (set[i]) {
                    throw uncommon(); // the tree keeps the last value
                }
                set[i] = true;
                if (value == JsonToken.VALUE_NULL) {
                    record.put(i, absentValue(i));
                } else {
                    record.put(i, readers[i].read(p));
                }
            }
            for (int i = 0; i < set.length; i++) {
                if (!set[i]) {
                    record.put(i, absentValue(i));
                }
            }
            return record;
        }

        private Object absentValue(int i) {
            return switch (absent[i]) {
                case NULLABLE -> null;
                case HAS_DEFAULT -> defaults[i].get();
                default -> throw uncommon();
            };
        }
    }

    // ------------------------------------------------------------------------------------------
    // toJson

    /**
     * One JSON line (no line break) for an event: {@code "type"} first, then the fields in schema
     * order; timestamps as ISO-8601 UTC strings, money as integers, nulls written as null.
     * {@code parse(toJson(e))} equals {@code e}.
     */
    public static String toJson(SpecificRecord event) {
        Objects.requireNonNull(event, "event");
        EventType type = EventType.of(event);
        if (type == null) {
            throw new IllegalArgumentException("not one of the event types: " + event.getSchema().getFullName());
        }
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type.name());
            writeFields(g, event, event.getSchema());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeFields(JsonGenerator g, SpecificRecord record, Schema s) throws IOException {
        for (Schema.Field f : s.getFields()) {
            if (f.getObjectProp(SINCE_VERSION) != null && isDefault(record.get(f.pos()))) {
                continue; // a field version 2 added is written only when it says something: version-1 events render as before
            }
            g.writeFieldName(f.name());
            writeValue(g, record.get(f.pos()), f.schema());
        }
    }

    /** Schema property marking a field added to a version-1 type by version 2 of EVENTS.md. */
    private static final String SINCE_VERSION = "since_version";

    private static boolean isDefault(Object v) {
        return v == null || (v instanceof Collection<?> c && c.isEmpty());
    }

    private static void writeValue(JsonGenerator g, Object v, Schema s) throws IOException {
        if (v == null) {
            g.writeNull();
            return;
        }
        switch (s.getType()) {
            case UNION -> {
                for (Schema b : s.getTypes()) {
                    if (b.getType() != Schema.Type.NULL) {
                        writeValue(g, v, b);
                        return;
                    }
                }
                g.writeNull();
            }
            case RECORD -> {
                g.writeStartObject();
                writeFields(g, (SpecificRecord) v, s);
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (Object item : (Collection<?>) v) {
                    writeValue(g, item, s.getElementType());
                }
                g.writeEndArray();
            }
            case ENUM -> g.writeString(((Enum<?>) v).name());
            case STRING -> g.writeString(v.toString());
            case INT -> g.writeNumber(((Number) v).intValue());
            case LONG -> {
                if (v instanceof Instant t) {
                    g.writeString(t.toString());
                } else {
                    g.writeNumber(((Number) v).longValue());
                }
            }
            case DOUBLE -> g.writeNumber(((Number) v).doubleValue());
            case FLOAT -> g.writeNumber(((Number) v).floatValue());
            case BOOLEAN -> g.writeBoolean((Boolean) v);
            default -> throw new IllegalArgumentException("unsupported schema type " + s.getType());
        }
    }
}
