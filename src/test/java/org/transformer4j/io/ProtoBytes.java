package org.transformer4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format by hand, so tests can build ONNX files, valid and broken, byte by byte. */
public final class ProtoBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A varint field. */
    public ProtoBytes varint(int field, long value) {
        tag(field, 0);
        return rawVarint(value);
    }

    /** A length-delimited field holding bytes. */
    public ProtoBytes bytes(int field, byte[] value) {
        tag(field, 2);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** A length-delimited field holding UTF-8 text. */
    public ProtoBytes string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-delimited field holding a message. */
    public ProtoBytes message(int field, ProtoBytes value) {
        return bytes(field, value.toByteArray());
    }

    /** A fixed32 field. */
    public ProtoBytes fixed32(int field, int bits) {
        tag(field, 5);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bits).array());
        return this;
    }

    /** A field key (number and wire type). */
    public ProtoBytes tag(int field, int wireType) {
        return rawVarint(((long) field << 3) | wireType);
    }

    /** A bare varint. */
    public ProtoBytes rawVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    /** Bare bytes. */
    public ProtoBytes raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Packed varints as the bytes of a length-delimited field. */
    public static byte[] packedVarints(long... values) {
        ProtoBytes p = new ProtoBytes();
        for (long v : values) {
            p.rawVarint(v);
        }
        return p.toByteArray();
    }

    /** Little-endian float32 bytes. */
    public static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** A TensorProto with dims, data type and name (values to be added by the caller). */
    public static ProtoBytes tensor(String name, int dataType, long... dims) {
        ProtoBytes t = new ProtoBytes();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, dataType).string(8, name);
    }

    /** A ModelProto (ir_version 8, producer "test") around a graph. */
    public static byte[] model(ProtoBytes graph) {
        return new ProtoBytes().varint(1, 8).string(2, "test").message(7, graph)
                .message(8, new ProtoBytes().string(1, "").varint(2, 17)).toByteArray();
    }
}
