package org.transformer4j.tokenizer;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * A cursor over one protobuf message held in a byte array (https://protobuf.dev/programming-guides/encoding/),
 * for SentencePiece's model files. Every length is checked against the end of the enclosing message before
 * anything is read or allocated, so a lying file becomes one {@link IllegalArgumentException} line naming it
 * and the offset. (The {@code io} package has its own reader over mapped files for ONNX; the tokenizer
 * package depends on nothing but the JDK, so it keeps this small one.)
 */
final class ProtoWire {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final String label;
    private final byte[] data;
    private final int end;
    private int pos;
    private int wireType = -1;

    /** A reader of data[start, end); label names the file in errors. */
    ProtoWire(String label, byte[] data, int start, int end) {
        this.label = label;
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    boolean hasMore() {
        return pos < end;
    }

    /** The field number of the next field; {@link #wireType()} tells how its value is stored. */
    int next() {
        int at = pos;
        long tag = varint();
        long number = tag >>> 3;
        wireType = (int) (tag & 7);
        if (number == 0 || number > 0x1FFF_FFFFL || wireType == 3 || wireType == 4 || wireType > 5) {
            throw error(at, "invalid field tag " + tag);
        }
        return (int) number;
    }

    int wireType() {
        return wireType;
    }

    /** Skips the value of the field just read by {@link #next()}. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            case LEN -> advance(length());
            default -> throw error(pos, "unknown wire type " + wireType);
        }
    }

    /** A varint field's value (bools and enums included). */
    long varintValue(String name) {
        expect(VARINT, name);
        return varint();
    }

    /** A float field's value. */
    float floatValue(String name) {
        expect(FIXED32, name);
        int at = advance(4);
        int bits = (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | (data[at + 2] & 0xFF) << 16 | (data[at + 3] & 0xFF) << 24;
        return Float.intBitsToFloat(bits);
    }

    /** A length-delimited field as a reader of its bytes (a sub-message). */
    ProtoWire message(String name) {
        expect(LEN, name);
        int n = length();
        int start = advance(n);
        return new ProtoWire(label, data, start, start + n);
    }

    /** A length-delimited field's bytes, copied. */
    byte[] bytes(String name) {
        expect(LEN, name);
        int n = length();
        int start = advance(n);
        byte[] out = new byte[n];
        System.arraycopy(data, start, out, 0, n);
        return out;
    }

    /** A string field, which must be valid UTF-8. */
    String string(String name) {
        expect(LEN, name);
        int n = length();
        int start = advance(n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, start, n)).toString();
        } catch (CharacterCodingException e) {
            throw error(start, name + " is not valid UTF-8");
        }
    }

    IllegalArgumentException error(int at, String problem) {
        return new IllegalArgumentException(label + ": not a valid SentencePiece model: " + problem + " at byte " + at);
    }

    private void expect(int wire, String name) {
        if (wireType != wire) {
            throw error(pos, name + " has wire type " + wireType + ", expected " + wire);
        }
    }

    private int length() {
        int at = pos;
        long n = varint();
        if (n < 0 || n > end - pos) {
            throw error(at, "a length of " + n + " bytes runs past the end of its message");
        }
        return (int) n;
    }

    private long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw error(pos, "a varint runs past the end of its message");
            }
            byte b = data[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw error(pos, "a varint is longer than 10 bytes");
    }

    private int advance(int n) {
        if (n > end - pos) {
            throw error(pos, "a value of " + n + " bytes runs past the end of its message");
        }
        int at = pos;
        pos += n;
        return at;
    }
}
