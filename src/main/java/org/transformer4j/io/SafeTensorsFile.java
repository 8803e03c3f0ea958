package org.transformer4j.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Tensor;

/**
 * A safetensors file, memory-mapped and validated on open, whose tensors load by name as float32
 * {@link Tensor}s (or exactly, as longs, for integer tensors such as token ids).
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensorsFile.open(Path.of("model.safetensors"))) {
 *     for (TensorEntry e : f.entries()) System.out.println(e.name() + " " + e.dtype() + " " + e.shapeString());
 *     Tensor wte = f.load("wte.weight");
 * }
 * }</pre>
 *
 * The format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON naming each tensor's dtype,
 * shape and {@code data_offsets} (plus an optional {@code __metadata__} object of strings), then the data.
 * Every malformed file ends in a one-line {@link SafeTensorsException}; nothing is allocated from an
 * unchecked length, so hostile files cannot exhaust memory or the stack. Thread-safe; tensors must not be
 * loaded after {@link #close()}.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** The most elements a Java array can hold on common JVMs. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final Path path;
    private final String label;
    private final Arena arena;
    private final MemorySegment mapped;
    private final long dataStart;
    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, Arena arena, MemorySegment mapped, long dataStart,
            SafeTensorsHeader.Header header) {
        this.path = path;
        this.label = path.toString();
        this.arena = arena;
        this.mapped = mapped;
        this.dataStart = dataStart;
        this.entries = header.entries();
        this.metadata = header.metadata();
        Map<String, TensorEntry> map = new LinkedHashMap<>();
        for (TensorEntry e : entries) {
            map.put(e.name(), e);
        }
        this.byName = map;
    }

    /**
     * Maps and validates {@code path}.
     *
     * @throws SafeTensorsException when the file is not a valid safetensors file
     * @throws IOException when it cannot be read (for example {@link java.nio.file.NoSuchFileException})
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        String label = path.toString();
        if (Files.isDirectory(path)) {
            throw new SafeTensorsException(label, "is a directory, not a safetensors file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw new SafeTensorsException(label, "file is " + size
                        + " bytes, too short for the 8-byte header length");
            }
            // The mapping outlives the channel; it is released when the arena closes.
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            // Length checks come before any allocation: the header length is the only size we trust blindly.
            if (n == 0) {
                throw new SafeTensorsException(label, "header length is 0");
            }
            if (Long.compareUnsigned(n, SafeTensorsHeader.MAX_HEADER_BYTES) > 0) {
                throw new SafeTensorsException(label, "header length " + Long.toUnsignedString(n)
                        + " exceeds the limit of " + SafeTensorsHeader.MAX_HEADER_BYTES + " bytes");
            }
            if (n > size - Long.BYTES) {
                throw new SafeTensorsException(label, "header length " + n + " runs past the end of the file ("
                        + size + " bytes, so at most " + (size - Long.BYTES) + " bytes of header)");
            }
            byte[] headerBytes = mapped.asSlice(Long.BYTES, n).toArray(ValueLayout.JAVA_BYTE);
            long dataStart = Long.BYTES + n;
            SafeTensorsHeader.Header header = SafeTensorsHeader.parse(label, headerBytes, size - dataStart);
            return new SafeTensorsFile(path, arena, mapped, dataStart, header);
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }

    /** Loads every tensor of {@code path} as float32, in file order. */
    public static Map<String, Tensor> readAll(Path path) throws IOException {
        try (SafeTensorsFile f = open(path)) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (TensorEntry e : f.entries) {
                out.put(e.name(), f.load(e.name()));
            }
            return out;
        }
    }

    /** The path this file was opened from. */
    public Path path() {
        return path;
    }

    /** The tensors in the order their data lies in the file (for files from common writers, the header's order). */
    public List<TensorEntry> entries() {
        return entries;
    }

    /** The {@code __metadata__} strings in header order; empty when the file has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Whether the file has a tensor named {@code name}. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The entry of tensor {@code name}; throws {@link SafeTensorsException} when there is none. */
    public TensorEntry entry(String name) {
        TensorEntry e = byName.get(name);
        if (e == null) {
            throw new SafeTensorsException(label, "no tensor " + SafeTensorsException.quoted(name) + " (the file has "
                    + entries.size() + " tensors)");
        }
        return e;
    }

    /** The offset of the data section in the file: 8 plus the header length. */
    public long dataStart() {
        return dataStart;
    }

    /** Tensor {@code name} converted to float32, with the default kernels. */
    public Tensor load(String name) {
        return load(name, Kernels.defaults());
    }

    /**
     * Tensor {@code name} converted to float32 (exactly for F16, BF16, F8 and integers up to 24 bits; rounded
     * to nearest for F64 and wider integers) in fresh storage that computes with {@code kernels}.
     */
    public Tensor load(String name, Kernels kernels) {
        TensorEntry e = entry(name);
        int n = arrayLength(e);
        int[] shape;
        try {
            shape = e.intShape();
        } catch (IllegalArgumentException ex) {
            throw new SafeTensorsException(label, ex.getMessage());
        }
        float[] data = new float[n];
        try {
            TensorDecoder.toFloats(e.dtype(), bytes(e), data);
        } catch (IllegalArgumentException ex) {
            throw new SafeTensorsException(label, "tensor " + SafeTensorsException.quoted(name) + ": "
                    + ex.getMessage());
        }
        return Tensor.wrap(kernels, data, shape);
    }

    /** The values of integer (or BOOL) tensor {@code name}, exactly, in row-major order. */
    public long[] loadLongs(String name) {
        TensorEntry e = entry(name);
        int n = arrayLength(e);
        try {
            return TensorDecoder.toLongs(e.dtype(), bytes(e), n);
        } catch (IllegalArgumentException ex) {
            throw new SafeTensorsException(label, "tensor " + SafeTensorsException.quoted(name) + ": "
                    + ex.getMessage());
        }
    }

    /** The values of integer tensor {@code name} as ints, exactly; throws when one does not fit in an int. */
    public int[] loadInts(String name) {
        long[] values = loadLongs(name);
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                throw new SafeTensorsException(label, "tensor " + SafeTensorsException.quoted(name) + ": value "
                        + values[i] + " at index " + i + " does not fit in an int");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    /** The raw little-endian bytes of tensor {@code name}: a read-only view of the mapping, valid until close. */
    public MemorySegment bytes(String name) {
        return bytes(entry(name));
    }

    private MemorySegment bytes(TensorEntry e) {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException(label + ": file is closed");
        }
        return mapped.asSlice(dataStart + e.begin(), e.byteSize()).asReadOnly();
    }

    private int arrayLength(TensorEntry e) {
        long n = e.elementCount();
        if (n > MAX_ELEMENTS) {
            throw new SafeTensorsException(label, "tensor " + SafeTensorsException.quoted(e.name()) + " " + e.dtype()
                    + " " + e.shapeString() + " has " + n + " elements, more than a Java array holds ("
                    + MAX_ELEMENTS + ")");
        }
        return (int) n;
    }

    /** Unmaps the file; entries and metadata stay readable, tensors no longer load. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return label + " (" + entries.size() + " tensors)";
    }
}
