package org.codingkpi.bench;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.codingkpi.serde.EventCodec;

import java.util.List;
import java.util.Map;

/**
 * The two Kafka Streams floors the pipeline is compared with, on the same input topics and with
 * the same settings (exactly_once_v2): the least a Streams application that decodes every event
 * can cost, without state and with one state write per event.
 */
final class Floors {
    static final String STORE = "bench-store";
    private static final byte[] NO_KEY = new byte[0];

    private Floors() {
    }

    /** Every input record decoded (as the pipeline must) and written unchanged to {@code output}. */
    static Topology passThrough(List<String> inputs, String output, EventCodec codec) {
        Topology t = new Topology();
        t.addSource("bench-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), inputs.toArray(String[]::new));
        t.addProcessor("bench-decode-forward", () -> new ContextualProcessor<byte[], byte[], byte[], byte[]>() {
            @Override
            public void process(Record<byte[], byte[]> record) {
                decode(codec, record.value());
                context().forward(record);
            }
        }, "bench-source");
        t.addSink("bench-sink", output, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "bench-decode-forward");
        return t;
    }

    /**
     * Every input record decoded and put into one persistent (RocksDB) store under its record key
     * (encounter or claim id), behind the record cache and with a changelog, as the pipeline's
     * stores are: one put per record.
     */
    static Topology oneStore(List<String> inputs, EventCodec codec) {
        Topology t = new Topology();
        t.addSource("bench-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), inputs.toArray(String[]::new));
        t.addProcessor("bench-decode-put", () -> new ContextualProcessor<byte[], byte[], Void, Void>() {
            private KeyValueStore<Bytes, byte[]> store;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                super.init(context);
                store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<byte[], byte[]> record) {
                decode(codec, record.value());
                store.put(Bytes.wrap(record.key() == null ? NO_KEY : record.key()), record.value() == null ? NO_KEY : record.value());
            }
        }, "bench-source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled().withLoggingEnabled(Map.of()), "bench-decode-put");
        return t;
    }

    private static void decode(EventCodec codec, byte[] value) {
        try {
            codec.decode(value);
        } catch (RuntimeException e) {
            // an invalid record costs its decode attempt, as in the pipeline (which dead-letters it)
        }
    }
}
