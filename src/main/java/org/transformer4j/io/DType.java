package org.transformer4j.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The element types of safetensors files that transformer4j reads, with their names as the header spells them. */
public enum DType {
    BOOL(1, false),
    U8(1, false),
    I8(1, false),
    I16(2, false),
    U16(2, false),
    I32(4, false),
    U32(4, false),
    I64(8, false),
    U64(8, false),
    /** OCP 8-bit float, 4 exponent bits, 3 mantissa bits, no infinities ("e4m3fn"). */
    F8_E4M3(1, true),
    /** OCP 8-bit float, 5 exponent bits, 2 mantissa bits: the top byte of an F16. */
    F8_E5M2(1, true),
    F16(2, true),
    BF16(2, true),
    F32(4, true),
    F64(8, true);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for the float types; false for the integer types and BOOL (whose values load exactly as longs). */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The dtype the header names {@code name} (exact, case-sensitive, as the reference implementation). */
    public static Optional<DType> byName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** "BOOL, U8, ..." for error messages. */
    static String supported() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
