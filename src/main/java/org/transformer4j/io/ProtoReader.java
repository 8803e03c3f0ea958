package org.transformer4j.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one protobuf message in wire format (https://protobuf.dev/programming-guides/encoding/):
 * varints, fixed 32/64-bit values and length-delimited fields, each checked against the end of the enclosing
 * message before it is read, so a lying length becomes an {@link OnnxException} naming the file and the
 * offset, never an allocation or a read past the end. Groups (wire types 3 and 4) are refused.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String label;
    private final MemorySegment data;
    private final String what;
    private final long end;
    private long pos;
    private int wireType = -1;
    private int field;
    private long fieldStart;

    /** A reader of data[start, end) holding a message described by {@code what} for error messages. */
    ProtoReader(String label, MemorySegment data, long start, long end, String what) {
        this.label = label;
        this.data = data;
        this.pos = start;
        this.end = end;
        this.what = what;
    }

    boolean hasMore() {
        return pos < end;
    }

    long position() {
        return pos;
    }

    /** The field number of the next field; {@link #wireType()} tells how its value is encoded. */
    int next() {
        fieldStart = pos;
        long tag = varint();
        long number = tag >>> 3;
        wireType = (int) (tag & 7);
        if (number == 0 || number > 0x1FFF_FFFFL) {
            throw errorAt(fieldStart, "invalid field number " + number + " in " + what);
        }
        field = (int) number;
        if (wireType == 3 || wireType == 4) {
            throw errorAt(fieldStart, "field " + field + " of " + what + " is a group (wire type " + wireType
                    + "), which ONNX files do not use");
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LEN && wireType != FIXED32) {
            throw errorAt(fieldStart, "field " + field + " of " + what + " has invalid wire type " + wireType);
        }
        return field;
    }

    int wireType() {
        return wireType;
    }

    /** Skips the current field's value. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            case LEN -> span();
            default -> throw new IllegalStateException("no field read");
        }
    }

    /** The current field's value as a varint (its wire type must be 0). */
    long varintField(String name) {
        expect(VARINT, name);
        return varint();
    }

    /** The current field's value as a fixed 32-bit value (its wire type must be 5). */
    int fixed32Field(String name) {
        expect(FIXED32, name);
        long at = advance(4);
        return data.get(INT_LE, at);
    }

    /**
     * The current length-delimited field as [start, end) within the data (its wire type must be 2); the
     * length is checked against what is left of this message first.
     */
    long[] spanField(String name) {
        expect(LEN, name);
        return span();
    }

    /** The current length-delimited field as a reader of the message it holds. */
    ProtoReader messageField(String name) {
        long[] s = spanField(name);
        return new ProtoReader(label, data, s[0], s[1], name);
    }

    /** The current length-delimited field as strict UTF-8 text. */
    String stringField(String name) {
        long[] s = spanField(name);
        return utf8(s[0], s[1], name);
    }

    /** UTF-8 text of data[start, end); malformed bytes are an error naming the field. */
    String utf8(long start, long stop, String name) {
        ByteBuffer bytes = data.asSlice(start, stop - start).asByteBuffer();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw errorAt(start, name + " is not valid UTF-8");
        }
    }

    /** Reads a varint at the cursor (at most 10 bytes, the last holding bit 63 only). */
    long varint() {
        long start = pos;
        long result = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= end) {
                throw errorAt(start, "varint runs past the end of " + what + " (which ends at offset " + end + ")");
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos++);
            if (i == 9 && (b & 0xFE) != 0) {
                throw errorAt(start, "varint longer than 64 bits in " + what);
            }
            result |= (long) (b & 0x7F) << (7 * i);
            if (b >= 0) {
                return result;
            }
        }
        throw errorAt(start, "varint longer than 10 bytes in " + what);
    }

    /** A fixed 64-bit little-endian value at the cursor. */
    long fixed64() {
        long at = advance(8);
        return data.get(LONG_LE, at);
    }

    /** A fixed 32-bit little-endian value at the cursor. */
    int fixed32() {
        long at = advance(4);
        return data.get(INT_LE, at);
    }

    /** An error at an offset of the file, naming the file: one line. */
    OnnxException errorAt(long offset, String problem) {
        return new OnnxException(label, "offset " + offset + ": " + problem);
    }

    /** An error at the start of the current field. */
    OnnxException error(String problem) {
        return errorAt(fieldStart, problem);
    }

    private void expect(int wire, String name) {
        if (wireType != wire) {
            throw error(name + " (field " + field + " of " + what + ") has wire type " + wireType + ", expected " + wire);
        }
    }

    private long[] span() {
        long at = pos;
        long length = varint();
        if (length < 0 || length > end - pos) {
            throw errorAt(at, "field " + field + " of " + what + " claims " + Long.toUnsignedString(length)
                    + " bytes but only " + (end - pos) + " are left in " + what + " (which ends at offset " + end + ")");
        }
        long start = pos;
        pos += length;
        return new long[] {start, pos};
    }

    private long advance(int n) {
        if (end - pos < n) {
            throw errorAt(pos, "a " + (8 * n) + "-bit value of field " + field + " runs past the end of " + what
                    + " (which ends at offset " + end + ")");
        }
        long at = pos;
        pos += n;
        return at;
    }
}
