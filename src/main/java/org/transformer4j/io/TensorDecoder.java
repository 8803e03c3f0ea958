package org.transformer4j.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Converts the little-endian elements of a safetensors tensor to float32 or, exactly, to long. */
final class TensorDecoder {
    // Offsets in a safetensors file need not be aligned (the header length is any number), hence UNALIGNED.
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** All 256 F8_E4M3 values, so decoding is one lookup. */
    private static final float[] E4M3 = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            int exp = (b >>> 3) & 0xf;
            int man = b & 7;
            float v;
            if (exp == 15 && man == 7) {
                v = Float.NaN; // e4m3fn has no infinities; S.1111.111 is its only NaN
            } else if (exp == 0) {
                v = man * 0x1p-9f; // subnormal: man/8 * 2^(1-7)
            } else {
                v = (8 + man) * Math.scalb(1f, exp - 10); // (1 + man/8) * 2^(exp-7)
            }
            E4M3[b] = (b & 0x80) != 0 ? -v : v;
        }
    }

    private TensorDecoder() {
    }

    /** Fills {@code dst} with the first {@code dst.length} elements of {@code src}, rounded to float32. */
    static void toFloats(DType dtype, MemorySegment src, float[] dst) {
        int n = dst.length;
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, FLOAT, 0, dst, 0, n);
            // Every F16, BF16 and F8 value is exactly a float32, so these conversions are exact.
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Float.float16ToFloat(src.get(SHORT, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Float.intBitsToFloat((src.get(SHORT, 2L * i) & 0xffff) << 16);
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = Float.float16ToFloat((short) (src.get(BYTE, i) << 8));
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = E4M3[src.get(BYTE, i) & 0xff];
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) src.get(DOUBLE, 8L * i);
                }
            }
            case U64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = unsignedToFloat(src.get(LONG, 8L * i));
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) src.get(LONG, 8L * i); // rounds to nearest, like torch's .float()
                }
            }
            default -> { // the integer types of up to 32 bits are exact as long first
                for (int i = 0; i < n; i++) {
                    dst[i] = (float) smallInteger(dtype, src, i);
                }
            }
        }
    }

    /** The first {@code n} elements of an integer or BOOL tensor, exactly. */
    static long[] toLongs(DType dtype, MemorySegment src, int n) {
        if (dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("dtype " + dtype + " is not an integer type");
        }
        long[] out = new long[n];
        switch (dtype) {
            case I64 -> MemorySegment.copy(src, LONG, 0, out, 0, n);
            case U64 -> {
                for (int i = 0; i < n; i++) {
                    long v = src.get(LONG, 8L * i);
                    if (v < 0) {
                        throw new IllegalArgumentException("U64 value " + Long.toUnsignedString(v) + " at index " + i
                                + " does not fit in a long");
                    }
                    out[i] = v;
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = smallInteger(dtype, src, i);
                }
            }
        }
        return out;
    }

    /** Element {@code i} of a BOOL or integer tensor of at most 32 bits. */
    private static long smallInteger(DType dtype, MemorySegment src, int i) {
        return switch (dtype) {
            case BOOL -> {
                byte b = src.get(BYTE, i);
                // torch and numpy write 0 or 1; anything else means the bytes are not what the header says.
                if (b != 0 && b != 1) {
                    throw new IllegalArgumentException("BOOL value " + (b & 0xff) + " at index " + i
                            + " is not 0 or 1");
                }
                yield b;
            }
            case U8 -> src.get(BYTE, i) & 0xff;
            case I8 -> src.get(BYTE, i);
            case I16 -> src.get(SHORT, 2L * i);
            case U16 -> src.get(SHORT, 2L * i) & 0xffff;
            case I32 -> src.get(INT, 4L * i);
            case U32 -> src.get(INT, 4L * i) & 0xffff_ffffL;
            default -> throw new IllegalStateException("not a small integer type: " + dtype);
        };
    }

    /** An unsigned 64-bit value rounded to float; halving keeps the lost bit as sticky so rounding stays exact. */
    static float unsignedToFloat(long v) {
        return v >= 0 ? (float) v : (float) ((v >>> 1) | (v & 1)) * 2f;
    }
}
