package org.codingkpi.compliance;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.codingkpi.compliance.audit.AuditFinding;
import org.codingkpi.serde.EventCodec;
import org.codingkpi.serde.SchemaRegistry;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Audit findings on the audit topic: Avro in the Confluent wire format, written with
 * {@link EventCodec#encode} (subject {@code <audit topic>-org.codingkpi.compliance.audit.AuditFinding}).
 * Reading resolves the writer schema by id in the registry; when this process's registry does not
 * know the id (the in-process {@code BundledSchemaRegistry} of another JVM numbers its schemas in
 * registration order), the bundled AuditFinding schema is taken as the writer's.
 */
public final class AuditCodec {
    static {
        AvroTrust.ensure();
    }

    private final EventCodec codec;

    public AuditCodec(EventCodec codec) {
        this.codec = codec;
    }

    public byte[] encode(String topic, AuditFinding finding) {
        return codec.encode(topic, finding);
    }

    public AuditFinding decode(byte[] bytes) {
        if (bytes == null || bytes.length < 5 || bytes[0] != EventCodec.MAGIC_BYTE) {
            throw new IllegalArgumentException("not an audit finding in the Confluent wire format");
        }
        Schema writer = writerSchema(codec.registry(), ByteBuffer.wrap(bytes, 1, 4).getInt());
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        try {
            return new SpecificDatumReader<AuditFinding>(writer, AuditFinding.getClassSchema()).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt audit finding (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Schema writerSchema(SchemaRegistry registry, int id) {
        try {
            Schema s = registry.byId(id);
            if (s.getType() == Schema.Type.RECORD && s.getFullName().equals(AuditFinding.getClassSchema().getFullName())) {
                return s;
            }
        } catch (RuntimeException e) {
            // not in this process's registry: the bundled schema below
        }
        return AuditFinding.getClassSchema();
    }
}
