package org.transformer4j.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.transformer4j.tensor.Kernels;
import org.transformer4j.tensor.Tensor;

/**
 * An ONNX model file read for its weights: the graph's initializers (loaded by name as float32 {@link Tensor}s
 * or exactly as longs) and its nodes, so that a loader can follow which operator consumes which weight. The
 * protobuf is read by this project's own bounded wire-format reader; operators are never executed.
 *
 * <pre>{@code
 * try (OnnxFile f = OnnxFile.open(Path.of("model.onnx"))) {
 *     for (OnnxTensorEntry e : f.initializers()) System.out.println(e);
 *     Tensor w = f.load("embeddings.word_embeddings.weight");
 * }
 * }</pre>
 *
 * Every malformed file ends in a one-line {@link OnnxException} naming the file and the offset; nothing is
 * allocated from an unchecked length. Weights kept in external files and sparse initializers are refused.
 */
public final class OnnxFile implements AutoCloseable {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String label;
    private final Arena arena;   // null for bytes on the heap
    private final MemorySegment data;
    private final OnnxParser.Parsed parsed;
    private final Map<String, OnnxTensorEntry> byName = new LinkedHashMap<>();

    private OnnxFile(String label, Arena arena, MemorySegment data) {
        this.label = label;
        this.arena = arena;
        this.data = data;
        this.parsed = OnnxParser.parse(label, data);
        for (OnnxTensorEntry e : parsed.initializers()) {
            if (byName.put(e.name(), e) != null) {
                throw new OnnxException(label, "two initializers are named '" + e.name() + "'");
            }
        }
    }

    /**
     * Reads and validates {@code path}: memory-mapped when it is on the default file system, read into memory
     * otherwise (a path inside a jar opened as a zip file system).
     *
     * @throws OnnxException when the file is not a valid ONNX model
     * @throws IOException   when it cannot be read
     */
    public static OnnxFile open(Path path) throws IOException {
        String label = path.toString();
        if (Files.isDirectory(path)) {
            throw new OnnxException(label, "is a directory, not an ONNX file");
        }
        if (path.getFileSystem() != FileSystems.getDefault()) {
            long size = Files.size(path);
            if (size > SafeTensorsFile.MAX_ELEMENTS) {
                throw new OnnxException(label, "is " + size + " bytes; files inside archives are read only up to 2 GB");
            }
            return read(label, MemorySegment.ofArray(Files.readAllBytes(path)));
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new OnnxFile(label, arena, mapped);
        } catch (Throwable t) {
            arena.close();
            throw t;
        }
    }

    /** Reads an ONNX model held in memory; label names it in messages. */
    public static OnnxFile read(String label, MemorySegment bytes) {
        return new OnnxFile(label, null, bytes.asReadOnly());
    }

    /** The name the file was opened with. */
    public String label() {
        return label;
    }

    /** ModelProto's ir_version. */
    public long irVersion() {
        return parsed.irVersion();
    }

    /** producer_name and producer_version, e.g. "pytorch 2.0.1". */
    public String producer() {
        return parsed.producer();
    }

    /** The operator sets the model imports, by domain ("" is ai.onnx) with their versions. */
    public Map<String, Long> opsets() {
        return parsed.opsets();
    }

    /** The graph's nodes in file order (a topological order for valid models). */
    public List<OnnxNode> nodes() {
        return parsed.nodes();
    }

    /** The graph's initializers (the weights) in file order. */
    public List<OnnxTensorEntry> initializers() {
        return parsed.initializers();
    }

    /** The names of the graph's inputs (initializers may be listed too in older files). */
    public List<String> inputs() {
        return parsed.inputs();
    }

    /** The names of the graph's outputs. */
    public List<String> outputs() {
        return parsed.outputs();
    }

    /** Whether an initializer is called name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The initializer called name; an {@link OnnxException} when there is none. */
    public OnnxTensorEntry initializer(String name) {
        OnnxTensorEntry e = byName.get(name);
        if (e == null) {
            throw new OnnxException(label, "no initializer '" + name + "' (the graph has " + byName.size() + ")");
        }
        return e;
    }

    /** Initializer name as float32 with the default kernels. */
    public Tensor load(String name) {
        return load(initializer(name), Kernels.defaults());
    }

    /**
     * The values of a tensor of this file (an initializer or a Constant's value) as float32: FLOAT exactly, FLOAT16,
     * BFLOAT16 and small integers exactly, DOUBLE and INT64 rounded to nearest.
     */
    public Tensor load(OnnxTensorEntry e, Kernels kernels) {
        int[] shape = e.intShape();
        int n = arrayLength(e);
        DType dt = OnnxTensorEntry.dtype(e.dataType());
        MemorySegment values = values(e, n);
        requireStoredBytes(e, dt, n, values);   // before allocating: the shape alone must not size an array
        float[] out = new float[n];
        try {
            switch (e.storage()) {
                case RAW -> {
                    if (dt == null) {
                        throw unsupported(e);
                    }
                    TensorDecoder.toFloats(dt, values, out);
                }
                case FLOAT_DATA -> {
                    requireType(e, e.dataType() == OnnxTensorEntry.FLOAT);
                    MemorySegment.copy(values, FLOAT_LE, 0, out, 0, n);
                }
                case DOUBLE_DATA -> {
                    requireType(e, e.dataType() == 11);
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) values.getAtIndex(DOUBLE_LE, i);
                    }
                }
                case INT32_DATA, INT64_DATA -> {
                    long[] v = varints(values, n);
                    for (int i = 0; i < n; i++) {
                        out[i] = switch (e.dataType()) {
                            case OnnxTensorEntry.FLOAT16 -> Float.float16ToFloat((short) v[i]);
                            case 16 -> Float.intBitsToFloat((int) v[i] << 16);
                            case 2, 3, 4, 5, 6, 9 -> (int) v[i];
                            case OnnxTensorEntry.INT64 -> (float) v[i];
                            default -> throw unsupported(e);
                        };
                    }
                }
                case NONE -> { }
                case EXTERNAL -> throw new IllegalStateException("checked in values()");
            }
        } catch (IllegalArgumentException ex) {
            throw ex instanceof OnnxException oe ? oe : new OnnxException(label, "tensor '" + e.name() + "': " + ex.getMessage());
        }
        return Tensor.wrap(kernels, out, shape);
    }

    /** The values of an integer tensor of this file exactly, in row-major order. */
    public long[] loadLongs(OnnxTensorEntry e) {
        int n = arrayLength(e);
        MemorySegment values = values(e, n);
        DType dt = OnnxTensorEntry.dtype(e.dataType());
        if (dt == null || dt.isFloatingPoint()) {
            throw new OnnxException(label, "tensor '" + e.name() + "' is " + e.typeName() + ", not an integer tensor");
        }
        requireStoredBytes(e, dt, n, values);
        return switch (e.storage()) {
            case RAW -> TensorDecoder.toLongs(dt, values, n);
            case INT32_DATA, INT64_DATA -> {
                long[] v = varints(values, n);
                if (e.storage() == OnnxTensorEntry.Storage.INT32_DATA) {
                    for (int i = 0; i < n; i++) {
                        v[i] = (int) v[i];   // int32 values are written as sign-extended varints
                    }
                }
                yield v;
            }
            case NONE -> new long[0];
            default -> throw unsupported(e);
        };
    }

    private MemorySegment values(OnnxTensorEntry e, int n) {
        if (e.storage() == OnnxTensorEntry.Storage.EXTERNAL) {
            throw new OnnxException(label, "tensor '" + e.name() + "' keeps its values in an external file (data_location"
                    + " EXTERNAL); transformer4j reads only weights stored inside the .onnx file");
        }
        if (e.storage() == OnnxTensorEntry.Storage.NONE && n > 0) {
            throw new OnnxException(label, "tensor '" + e.name() + "' " + e.typeName() + " " + e.shapeString()
                    + " has no values in a field transformer4j reads");
        }
        if (arena != null && !arena.scope().isAlive()) {
            throw new IllegalStateException(label + ": file is closed");
        }
        return data.asSlice(e.begin(), e.end() - e.begin());
    }

    private long[] varints(MemorySegment values, int n) {
        ProtoReader p = new ProtoReader(label, values, 0, values.byteSize(), "packed values");
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = p.varint();
        }
        return v;
    }

    /**
     * Refuses a tensor whose stored bytes cannot hold its shape's elements (raw data of the exact size,
     * packed fixed-width values of at least n entries, varints of at least one byte each), so a lying
     * shape fails here instead of allocating its array.
     */
    private void requireStoredBytes(OnnxTensorEntry e, DType dt, int n, MemorySegment values) {
        long have = values.byteSize();
        long need = switch (e.storage()) {
            case RAW -> {
                if (dt == null) {
                    throw unsupported(e);
                }
                yield (long) n * dt.byteSize();
            }
            case FLOAT_DATA -> 4L * n;
            case DOUBLE_DATA -> 8L * n;
            case INT32_DATA, INT64_DATA -> n;   // a varint takes at least one byte
            case NONE, EXTERNAL -> 0;
        };
        boolean ok = e.storage() == OnnxTensorEntry.Storage.RAW ? have == need : have >= need;
        if (!ok) {
            throw new OnnxException(label, "tensor '" + e.name() + "' " + e.typeName() + " " + e.shapeString() + " needs "
                    + (e.storage() == OnnxTensorEntry.Storage.RAW ? "" : "at least ") + need + " bytes of " + e.storage()
                    + " values but the file holds " + have);
        }
    }

    private int arrayLength(OnnxTensorEntry e) {
        long n = e.elementCount();
        if (n > SafeTensorsFile.MAX_ELEMENTS) {
            throw new OnnxException(label, "tensor '" + e.name() + "' " + e.shapeString() + " has " + n
                    + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    private void requireType(OnnxTensorEntry e, boolean ok) {
        if (!ok) {
            throw unsupported(e);
        }
    }

    private OnnxException unsupported(OnnxTensorEntry e) {
        return new OnnxException(label, "tensor '" + e.name() + "': data type " + e.typeName() + " stored as " + e.storage()
                + " cannot be read as numbers");
    }

    /** Unmaps a mapped file; entries and nodes stay readable, values no longer load. */
    @Override
    public synchronized void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return label + " (" + parsed.nodes().size() + " nodes, " + parsed.initializers().size() + " initializers)";
    }
}
