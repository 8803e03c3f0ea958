package org.transformer4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One ONNX TensorProto (a graph initializer or a Constant node's value) as {@link OnnxFile} found it: its name,
 * ONNX data type, dimensions and where its values lie in the file. The values are not read until loaded.
 *
 * @param name     the tensor's name ("" for a Constant's value)
 * @param dataType the ONNX data type code (1 FLOAT, 7 INT64, 10 FLOAT16, ...; see {@link #typeName(int)})
 * @param dims     the shape
 * @param storage  which field holds the values
 * @param begin    the first byte of the values in the file
 * @param end      one past the last byte
 * @param count    the number of values the field holds (checked against the shape on open)
 */
public record OnnxTensorEntry(String name, int dataType, long[] dims, Storage storage, long begin, long end, long count) {

    /** Where a TensorProto keeps its values. */
    public enum Storage {
        /** raw_data (field 9): little-endian bytes, the usual form for weights. */
        RAW,
        /** float_data (field 4), packed fixed32. */
        FLOAT_DATA,
        /** int32_data (field 5), packed varints; also the bit patterns of FLOAT16 and BFLOAT16. */
        INT32_DATA,
        /** int64_data (field 7), packed varints. */
        INT64_DATA,
        /** double_data (field 10), packed fixed64. */
        DOUBLE_DATA,
        /** In a file beside the model (external_data, data_location EXTERNAL): not read by transformer4j. */
        EXTERNAL,
        /** No values at all (valid only for a tensor without elements). */
        NONE
    }

    private static final String[] NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64",
        "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN",
        "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};

    /** ONNX data type FLOAT (float32). */
    public static final int FLOAT = 1;
    /** ONNX data type INT64. */
    public static final int INT64 = 7;
    /** ONNX data type FLOAT16. */
    public static final int FLOAT16 = 10;

    public OnnxTensorEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(storage, "storage");
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The number of elements the shape holds (1 for a scalar); the file was checked not to overflow it. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The shape as ints, for a Tensor; throws when a dimension exceeds int range. */
    public int[] intShape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < s.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "': dimension " + dims[i] + " does not fit in an int");
            }
            s[i] = (int) dims[i];
        }
        return s;
    }

    /** The ONNX name of this tensor's data type, e.g. FLOAT. */
    public String typeName() {
        return typeName(dataType);
    }

    /** The ONNX name of a data type code, e.g. 1 -> FLOAT; unknown codes print as a number. */
    public static String typeName(int dataType) {
        return dataType >= 0 && dataType < NAMES.length ? NAMES[dataType] : "data type " + dataType;
    }

    /** The safetensors dtype with the same little-endian raw layout, or null when there is none (STRING, COMPLEX, 4-bit). */
    public static DType dtype(int dataType) {
        return switch (dataType) {
            case 1 -> DType.F32;
            case 2 -> DType.U8;
            case 3 -> DType.I8;
            case 4 -> DType.U16;
            case 5 -> DType.I16;
            case 6 -> DType.I32;
            case 7 -> DType.I64;
            case 9 -> DType.BOOL;
            case 10 -> DType.F16;
            case 11 -> DType.F64;
            case 12 -> DType.U32;
            case 13 -> DType.U64;
            case 16 -> DType.BF16;
            case 17 -> DType.F8_E4M3;
            case 19 -> DType.F8_E5M2;
            default -> null;
        };
    }

    /** The shape as Python prints it: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public String shapeString() {
        return TensorEntry.shapeString(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxTensorEntry e && name.equals(e.name) && dataType == e.dataType
                && Arrays.equals(dims, e.dims) && storage == e.storage && begin == e.begin && end == e.end && count == e.count;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dataType, Arrays.hashCode(dims), storage, begin, end, count);
    }

    @Override
    public String toString() {
        return name + " " + typeName() + " " + shapeString() + " " + storage;
    }
}
