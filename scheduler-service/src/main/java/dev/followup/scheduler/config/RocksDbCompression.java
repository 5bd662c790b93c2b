package dev.followup.scheduler.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;

/**
 * Compresses the scheduler's RocksDB stores (Kafka Streams leaves them uncompressed): LZ4 on every level, Zstandard on
 * the bottommost one, where most of a large pending set lives after compaction. Store values repeat their field names
 * and ids record after record, so blocks compress well. Set as {@code rocksdb.config.setter};
 * {@code spring.kafka.streams.properties.rocksdb.config.setter} replaces it.
 */
public class RocksDbCompression implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
        options.setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing allocated here
    }
}
