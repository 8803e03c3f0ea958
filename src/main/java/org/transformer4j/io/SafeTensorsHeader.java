package org.transformer4j.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors header: the checks of the reference implementation
 * (huggingface/safetensors {@code Metadata::validate}) and stricter ones, each failure one
 * {@link SafeTensorsException} naming the file, the tensor and the offending value.
 */
final class SafeTensorsHeader {
    /** The reference implementation's limit (MAX_HEADER_SIZE), so that a hostile length allocates nothing. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    /** Real tensors have a handful of dimensions; the bound keeps a hostile shape from costing memory. */
    static final int MAX_RANK = 64;

    /** The validated header: entries in data order (ties in header order) and the metadata in header order. */
    record Header(List<TensorEntry> entries, Map<String, String> metadata) {
    }

    private final String file;

    private SafeTensorsHeader(String file) {
        this.file = file;
    }

    /**
     * Validates {@code bytes}, the header, against a data section of {@code dataLength} bytes.
     *
     * @param file the file's name for messages
     */
    static Header parse(String file, byte[] bytes, long dataLength) {
        return new SafeTensorsHeader(file).parse(bytes, dataLength);
    }

    private Header parse(byte[] bytes, long dataLength) {
        // The reference checks this before parsing, which also rules out a BOM or leading whitespace.
        if (bytes.length == 0 || bytes[0] != '{') {
            throw fail("header does not start with '{' (first byte "
                    + (bytes.length == 0 ? "missing" : String.format("0x%02x", bytes[0] & 0xff)) + ")");
        }
        String text;
        try {
            text = Json.decodeUtf8(bytes, 0, bytes.length);
        } catch (IllegalArgumentException e) {
            throw fail("header is " + e.getMessage());
        }
        // Read by schema, like the reference's serde types: the first value of the wrong kind ends the parse,
        // so a hostile header cannot make us build a large tree of things no valid header holds.
        JsonReader r = new JsonReader(text);
        try {
            Map<String, TensorEntry> byName = new LinkedHashMap<>();
            Map<String, String> metadata = null;
            r.beginObject();
            for (String name; (name = r.nextKey()) != null; ) {
                if (byName.containsKey(name) || (metadata != null && name.equals(METADATA_KEY))) {
                    throw r.duplicateKey(name);
                }
                if (name.equals(METADATA_KEY)) {
                    metadata = metadata(r);
                } else {
                    byName.put(name, entry(r, name));
                }
            }
            r.end();
            return new Header(tile(byName.values(), dataLength), metadata == null ? Map.of() : metadata);
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IllegalArgumentException e) { // from the reader: the text is not JSON
            throw fail("header is not valid JSON: " + e.getMessage());
        }
    }

    private Map<String, String> metadata(JsonReader r) {
        if (r.peek() != JsonReader.Kind.OBJECT) {
            throw fail(METADATA_KEY + " is not an object (it is " + r.peek().description() + ")");
        }
        r.beginObject();
        Map<String, String> out = new LinkedHashMap<>();
        for (String key; (key = r.nextKey()) != null; ) {
            if (out.containsKey(key)) {
                throw r.duplicateKey(key);
            }
            if (r.peek() != JsonReader.Kind.STRING) {
                throw fail(METADATA_KEY + " value of " + SafeTensorsException.quoted(key) + " is not a string (it is "
                        + r.peek().description() + ")");
            }
            out.put(key, r.readString());
        }
        return Collections.unmodifiableMap(out);
    }

    private TensorEntry entry(JsonReader r, String name) {
        String where = "tensor " + SafeTensorsException.quoted(name) + ": ";
        if (r.peek() != JsonReader.Kind.OBJECT) {
            throw fail(where + "entry is not an object (it is " + r.peek().description() + ")");
        }
        r.beginObject();
        String dtypeName = null;
        long[] shape = null;
        long[] offsets = null;
        for (String field; (field = r.nextKey()) != null; ) {
            boolean seen = switch (field) {
                case "dtype" -> dtypeName != null;
                case "shape" -> shape != null;
                case "data_offsets" -> offsets != null;
                default -> throw fail(where + "unknown field " + SafeTensorsException.quoted(field)
                        + " (expected dtype, shape, data_offsets)");
            };
            if (seen) {
                throw r.duplicateKey(field);
            }
            switch (field) {
                case "dtype" -> {
                    if (r.peek() != JsonReader.Kind.STRING) {
                        throw fail(where + "dtype is not a string (it is " + r.peek().description() + ")");
                    }
                    dtypeName = r.readString();
                }
                case "shape" -> shape = integers(r, where, "shape", MAX_RANK);
                default -> offsets = integers(r, where, "data_offsets", 2);
            }
        }
        if (dtypeName == null || shape == null || offsets == null) {
            throw fail(where + "missing field '" + (dtypeName == null ? "dtype" : shape == null ? "shape"
                    : "data_offsets") + "'");
        }
        String dtypeText = dtypeName;
        DType dtype = DType.byName(dtypeText).orElseThrow(() -> fail(where + "unknown dtype "
                + SafeTensorsException.quoted(dtypeText) + " (supported: " + DType.supported() + ")"));
        long count = 1;
        long needed;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
        } catch (ArithmeticException e) {
            throw fail(where + "shape " + TensorEntry.shapeString(shape)
                    + " has too many elements (overflows 64 bits)");
        }
        try {
            needed = Math.multiplyExact(count, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw fail(where + "dtype " + dtype + " shape " + TensorEntry.shapeString(shape)
                    + " needs too many bytes (overflows 64 bits)");
        }
        if (offsets.length != 2) {
            throw fail(where + "data_offsets must be [begin, end] but has " + offsets.length + " element"
                    + (offsets.length == 1 ? "" : "s"));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail(where + "data_offsets [" + begin + ", " + end + "] are reversed (begin > end)");
        }
        if (end - begin != needed) {
            throw fail(where + "data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but dtype " + dtype + " shape " + TensorEntry.shapeString(shape) + " needs " + needed);
        }
        return new TensorEntry(name, dtype, shape, begin, end);
    }

    /** An array of at most {@code max} non-negative integers (a longer one fails at element {@code max + 1}). */
    private long[] integers(JsonReader r, String where, String what, int max) {
        if (r.peek() != JsonReader.Kind.ARRAY) {
            throw fail(where + what + " is not an array (it is " + r.peek().description() + ")");
        }
        r.beginArray();
        long[] values = new long[max];
        int n = 0;
        while (r.hasNext()) {
            if (n == max) {
                throw fail(where + (max == 2 ? "data_offsets must be [begin, end] but has more than 2 elements"
                        : what + " has more than " + max + " dimensions"));
            }
            String element = what + "[" + n + "]";
            if (r.peek() != JsonReader.Kind.NUMBER) {
                throw fail(where + element + " is not an integer (it is " + r.peek().description() + ")");
            }
            values[n++] = nonNegative(where, element, r.readNumber());
        }
        return Arrays.copyOf(values, n);
    }

    /** An exact non-negative integer that fits in a long; {@code 2.0}, {@code 2e0} and {@code -1} are not. */
    private long nonNegative(String where, String what, Number value) {
        return switch (value) {
            case Long l when l >= 0 -> l;
            case Long l -> throw fail(where + what + " is negative: " + l);
            case BigInteger b when b.signum() < 0 -> throw fail(where + what + " is negative: "
                    + Json.abbreviate(b.toString()));
            case BigInteger b -> throw fail(where + what + " is too large: " + Json.abbreviate(b.toString())
                    + " (more than " + Long.MAX_VALUE + ")");
            case BigDecimal d -> throw fail(where + what + " is not an integer: " + Json.abbreviate(d.toString())
                    + (d.stripTrailingZeros().scale() <= 0
                            ? " (integers are written without fraction or exponent)" : ""));
            default -> throw new IllegalStateException("JsonReader returned a " + value.getClass());
        };
    }

    /**
     * Sorted by begin, the tensors must tile {@code [0, dataLength)} exactly: no gap, no overlap, nothing
     * missing, nothing left over. Returns them in that order.
     */
    private List<TensorEntry> tile(Collection<TensorEntry> entries, long dataLength) {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long covered = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() > covered) {
                throw fail("gap in the data section: bytes [" + covered + ", " + e.begin()
                        + ") belong to no tensor (next is tensor " + SafeTensorsException.quoted(e.name())
                        + " at data_offsets " + offsets(e) + ")");
            }
            if (e.begin() < covered) {
                throw fail("tensor " + SafeTensorsException.quoted(e.name()) + " at data_offsets " + offsets(e)
                        + " overlaps tensor " + SafeTensorsException.quoted(previous.name()) + " at data_offsets "
                        + offsets(previous));
            }
            if (e.end() > dataLength) {
                throw fail("data section too short (file truncated?): tensor " + SafeTensorsException.quoted(e.name())
                        + " ends at data byte " + e.end() + " but the file has only " + dataLength
                        + " bytes after the header");
            }
            covered = e.end();
            previous = e;
        }
        if (covered < dataLength) {
            throw fail((dataLength - covered) + " trailing bytes after the last tensor (tensors cover " + covered
                    + " of " + dataLength + " data bytes)");
        }
        return List.copyOf(sorted);
    }

    private static String offsets(TensorEntry e) {
        return "[" + e.begin() + ", " + e.end() + "]";
    }

    private SafeTensorsException fail(String problem) {
        return new SafeTensorsException(file, problem);
    }
}
