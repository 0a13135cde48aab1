package org.codingkpi.serde;

import org.codingkpi.events.InvalidEventException;

import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.codingkpi.events.EventType;
import org.codingkpi.events.RejectReason;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro
 * binary body. Decoding resolves the writer schema (from the registry, by id) against the reader
 * schema of the generated class, so producers may evolve their schemas compatibly. Readers and
 * writers are cached per schema id; instances are thread-safe.
 *
 * <p>Subjects follow the TopicRecordNameStrategy ({@code <topic>-<record full name>}) by default,
 * since the encounters and claims topics each carry two record types; {@link SubjectNameStrategy}
 * lists the others. With auto-registration off, a producer only looks its schemas up.
 */
public final class EventCodec {
    public static final byte MAGIC_BYTE = 0;

    private final SchemaRegistry registry;
    private final SubjectNameStrategy naming;
    private final boolean autoRegister;
    private final Map<Integer, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();
    private final Map<String, Integer> writerIds = new ConcurrentHashMap<>();
    private final Map<Schema, SpecificDatumWriter<SpecificRecord>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    /** Writer schemas with enum symbols the reader lacks (and no enum default): a failed read there is invalid_enum. */
    private final java.util.Set<Integer> enumsMayNotResolve = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    public EventCodec(SchemaRegistry registry) {
        this(registry, SubjectNameStrategy.TOPIC_RECORD, true);
    }

    /**
     * @param naming       the subject a producer registers (or looks up) each schema under
     * @param autoRegister register schemas on first use; false: only look them up (the producer's
     *                     account may not register)
     */
    public EventCodec(SchemaRegistry registry, SubjectNameStrategy naming, boolean autoRegister) {
        this.registry = registry;
        this.naming = naming;
        this.autoRegister = autoRegister;
    }

    public SubjectNameStrategy naming() {
        return naming;
    }

    public boolean autoRegister() {
        return autoRegister;
    }

    public String subject(String topic, Schema schema) {
        return naming.subject(topic, schema);
    }

    /**
     * The schema id events of this schema carry on this topic: registered under its subject (or, with
     * auto-registration off, looked up) on first use, then cached.
     *
     * @throws SchemaRegistryException when the registry refuses or cannot be reached
     * @throws SchemaRegistry.NotRegisteredException with auto-registration off, when the subject lacks the schema
     */
    public int writerId(String topic, Schema schema) {
        String subject = subject(topic, schema);
        // keyed by subject and type: with TopicNameStrategy two types share a subject
        return writerIds.computeIfAbsent(subject + '\u0000' + schema.getFullName(),
                k -> autoRegister ? registry.register(subject, schema) : registry.lookup(subject, schema));
    }

    public SchemaRegistry registry() {
        return registry;
    }

    /** Encodes an event for a topic, registering its schema (by default under {@code topic-fullname}) once. */
    public byte[] encode(String topic, SpecificRecord event) {
        Schema schema = event.getSchema();
        int id = writerId(topic, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
        encoders.set(encoder);
        try {
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(event, encoder);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode " + schema.getName(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record.
     *
     * @throws InvalidEventException with reason undecodable (null, short, wrong magic byte, corrupt
     *     body), unknown_schema (id not registered, or not one of the event types),
     *     missing_field or invalid_enum (schema resolution failures)
     */
    public SpecificRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length < 5) {
            throw new InvalidEventException(RejectReason.UNDECODABLE, "record value is empty or shorter than the 5-byte wire-format header");
        }
        if (bytes[0] != MAGIC_BYTE) {
            throw new InvalidEventException(RejectReason.UNDECODABLE, "wire-format magic byte is " + bytes[0] + ", expected 0");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SpecificDatumReader<SpecificRecord> reader = readers.get(id);
        if (reader == null) {
            reader = readerFor(id);
            readers.put(id, reader);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, decoders.get());
        decoders.set(decoder);
        try {
            SpecificRecord record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new InvalidEventException(RejectReason.UNDECODABLE, "trailing bytes after the Avro body");
            }
            return record;
        } catch (InvalidEventException e) {
            throw e;
        } catch (AvroTypeException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("missing required field")) {
                throw new InvalidEventException(RejectReason.MISSING_FIELD, msg);
            }
            if (enumsMayNotResolve.contains(id) || msg.toLowerCase(java.util.Locale.ROOT).contains("enum")) {
                throw new InvalidEventException(RejectReason.INVALID_ENUM, msg);
            }
            if (msg.startsWith("No match for")) {
                // a writer enum symbol the reader's enum lacks (Avro names the symbol; the header says which field is wrong only by schema)
                throw new InvalidEventException(RejectReason.INVALID_ENUM, "an enum symbol the event schema does not know");
            }
            throw new InvalidEventException(RejectReason.UNDECODABLE, msg);
        } catch (RuntimeException e) {
            if (enumsMayNotResolve.contains(id)) {
                throw new InvalidEventException(RejectReason.INVALID_ENUM, "an enum symbol the reader schema does not know ("
                        + e.getClass().getSimpleName() + ")");
            }
            throw new InvalidEventException(RejectReason.UNDECODABLE, "corrupt Avro body (" + e.getClass().getSimpleName() + ")");
        } catch (java.io.IOException e) {
            throw new InvalidEventException(RejectReason.UNDECODABLE, "corrupt Avro body (" + e.getClass().getSimpleName() + ")");
        }
    }

    private SpecificDatumReader<SpecificRecord> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.byId(id);
        } catch (SchemaRegistry.UnknownSchemaIdException e) {
            // not registered, or registered with a reference the registry cannot resolve: the message says which
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, e.getMessage());
        }
        EventType type = writer.getType() == Schema.Type.RECORD ? EventType.of(writer.getFullName()) : null;
        if (type == null) {
            throw new InvalidEventException(RejectReason.UNKNOWN_SCHEMA, "schema id " + id + " is not one of the event types");
        }
        if (hasUnknownSymbols(writer, type.schema(), new java.util.HashSet<>())) {
            enumsMayNotResolve.add(id);
        }
        return new SpecificDatumReader<>(writer, type.schema());
    }

    private static boolean hasUnknownSymbols(Schema writer, Schema reader, java.util.Set<String> seen) {
        switch (writer.getType()) {
            case ENUM:
                return reader.getType() == Schema.Type.ENUM && reader.getEnumDefault() == null
                        && !reader.getEnumSymbols().containsAll(writer.getEnumSymbols());
            case RECORD:
                if (reader.getType() != Schema.Type.RECORD || !seen.add(writer.getFullName())) {
                    return false;
                }
                for (Schema.Field wf : writer.getFields()) {
                    Schema.Field rf = reader.getField(wf.name());
                    if (rf != null && hasUnknownSymbols(wf.schema(), rf.schema(), seen)) {
                        return true;
                    }
                }
                return false;
            case ARRAY:
                return reader.getType() == Schema.Type.ARRAY && hasUnknownSymbols(writer.getElementType(), reader.getElementType(), seen);
            case UNION:
                for (Schema w : writer.getTypes()) {
                    for (Schema r : reader.getType() == Schema.Type.UNION ? reader.getTypes() : java.util.List.of(reader)) {
                        if (w.getType() == r.getType() && hasUnknownSymbols(w, r, seen)) {
                            return true;
                        }
                    }
                }
                return false;
            default:
                return false;
        }
    }
}
