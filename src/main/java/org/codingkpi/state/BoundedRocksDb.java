package org.codingkpi.state;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Bounds the off-heap memory of every RocksDB store of the process (the per-encounter records):
 * one block cache shared by all stores, which also holds their index and filter blocks, and the
 * memtables counted against it through one write-buffer manager (the Kafka Streams documentation's
 * "bounded memory" configuration). Without it each store gets its own 50 MB block cache and up to
 * three 16 MB memtables, so memory grows with the number of tasks an instance runs.
 *
 * <p>The total is {@value #TOTAL_MB} MB, a quarter of it for memtables; an operator who needs another
 * bound sets {@code rocksdb.config.setter} to a setter of their own (docs/operations.md).
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    static final long TOTAL_MB = 96;
    private static final long TOTAL = TOTAL_MB << 20;
    private static final long MEMTABLES = TOTAL / 4;

    /** Created at the first store's configuration (Kafka loads this class while parsing its settings, before RocksDB's library). */
    private static final class Shared {
        static {
            org.rocksdb.RocksDB.loadLibrary();
        }

        static final Cache CACHE = new LRUCache(TOTAL, -1, false, 0.1);
        static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLES, CACHE);
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(Shared.CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(Shared.WRITE_BUFFERS);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(8L << 20);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store of the process: never closed here
    }
}
