package org.codingkpi.serde;

import org.apache.avro.Schema;
import org.codingkpi.events.EventType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process registry that knows the bundled event schemas under fixed ids (1..8, in
 * {@link EventType} order) and assigns further ids in registration order. Used by the embedded
 * demo and replay, where every producer and consumer lives in this JVM.
 */
public final class BundledSchemaRegistry implements SchemaRegistry {
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    public BundledSchemaRegistry() {
        for (EventType type : EventType.values()) {
            register(type.name(), type.schema());
        }
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Integer existing = ids.get(schema);
        if (existing != null) {
            return existing;
        }
        int id = next.getAndIncrement();
        ids.put(schema, id);
        byId.put(id, schema);
        return id;
    }

    /** In-process, every producer registers: the same as {@link #register}. */
    @Override
    public int lookup(String subject, Schema schema) {
        return register(subject, schema);
    }

    @Override
    public Schema byId(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id);
        }
        return schema;
    }
}
