package dev.ssjvm.admin.metrics;

import dev.ssjvm.admin.metrics.Family.Kind;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Netty's memory, read at scrape time: the direct memory Netty itself counts (buffers it allocates
 * without a JDK cleaner, which {@code jvm_buffer_pool_*} does not see) and the default allocator's
 * arenas, which every channel of the server uses.
 */
final class NettyCollector implements MultiCollector {
    private final ByteBufAllocator allocator;

    NettyCollector(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public MetricSnapshots collect() {
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        long used = PlatformDependent.usedDirectMemory(); // -1: Netty does not count (it uses the JDK's cleaner)
        if (used >= 0) {
            out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_direct_memory_used_bytes",
                    "Direct memory Netty has allocated and counts itself (PlatformDependent.usedDirectMemory)")
                    .add(used).snapshot());
        }
        out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_direct_memory_max_bytes",
                "The most direct memory Netty may allocate (io.netty.maxDirectMemory, else the JVM's limit)")
                .add(PlatformDependent.maxDirectMemory()).snapshot());
        if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            String name = allocator instanceof PooledByteBufAllocator ? "pooled" : "unpooled";
            out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_allocator_used_bytes",
                    "Memory held by Netty's default buffer allocator (for the pooled one: its arenas' chunks)",
                    "allocator", "kind")
                    .add(metric.usedHeapMemory(), name, "heap")
                    .add(metric.usedDirectMemory(), name, "direct")
                    .snapshot());
            if (metric instanceof PooledByteBufAllocatorMetric pooled) {
                out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_allocator_arenas",
                        "Arenas of the pooled allocator", "kind")
                        .add(pooled.numHeapArenas(), "heap")
                        .add(pooled.numDirectArenas(), "direct")
                        .snapshot());
                out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_allocator_thread_local_caches",
                        "Thread-local caches of the pooled allocator (about one per thread that allocates)")
                        .add(pooled.numThreadLocalCaches()).snapshot());
                out.metricSnapshot(new Family(Kind.GAUGE, "ssjvm_netty_allocator_chunk_size_bytes",
                        "The chunk size of the pooled allocator's arenas")
                        .add(pooled.chunkSize()).snapshot());
            }
        }
        return out.build();
    }
}
