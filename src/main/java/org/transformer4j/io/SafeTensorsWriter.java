package org.transformer4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.transformer4j.tensor.Tensor;

/**
 * Writes float32 tensors and string metadata as a safetensors file, atomically: the bytes go to a temporary
 * file in the same directory, are forced to disk, and only then renamed over the target, so a crash leaves
 * either the old file or the complete new one, never half of one.
 *
 * <pre>{@code
 * SafeTensorsWriter.write(Path.of("ckpt.safetensors"), model.stateDict(), Map.of("step", "1000"));
 * }</pre>
 */
public final class SafeTensorsWriter {
    private static final int CHUNK_FLOATS = 1 << 14;

    private SafeTensorsWriter() {
    }

    /** Writes {@code tensors} (in the map's iteration order) as F32, without metadata. */
    public static void write(Path path, Map<String, Tensor> tensors) throws IOException {
        write(path, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F32 in the map's iteration order, header and data alike, with {@code metadata}
     * as {@code __metadata__} (omitted when empty). The header is padded with spaces to a multiple of 8 bytes,
     * as the reference writer does, so the data section starts aligned.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0, header.length));
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : tensors.values()) {
                    if (t.size() == 0) {
                        continue; // nothing to write, and no copy to make
                    }
                    float[] values = t.toArray();
                    for (int off = 0; off < values.length; off += CHUNK_FLOATS) {
                        int k = Math.min(CHUNK_FLOATS, values.length - off);
                        buf.clear();
                        buf.asFloatBuffer().put(values, off, k); // the view shares buf's little-endian order
                        buf.limit(k * Float.BYTES);
                        writeFully(ch, buf);
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                t.addSuppressed(suppressed);
            }
            throw t;
        }
        syncDirectory(dir);
    }

    /** The padded header bytes; checks names and metadata first so that nothing is written for bad input. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            sb.append('"').append(SafeTensorsHeader.METADATA_KEY).append("\":{");
            String sep = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                String key = requireWellFormed(m.getKey(), "metadata key");
                String value = requireWellFormed(m.getValue(), "metadata value of " + m.getKey());
                sb.append(sep).append(Json.quote(key)).append(':').append(Json.quote(value));
                sep = ",";
            }
            sb.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = requireWellFormed(e.getKey(), "tensor name");
            if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + SafeTensorsHeader.METADATA_KEY);
            }
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "tensor '" + name + "' is null");
            long end = offset + (long) t.size() * Float.BYTES;
            sb.append(sb.length() > 1 ? "," : "").append(Json.quote(name)).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                sb.append(i == 0 ? "" : ",").append(shape[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        byte[] json = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        if (padded > SafeTensorsHeader.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("header of " + padded + " bytes exceeds the safetensors limit of "
                    + SafeTensorsHeader.MAX_HEADER_BYTES);
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** A lone surrogate has no UTF-8 encoding; Java would write '?' and readers would see another name. */
    private static String requireWellFormed(String s, String what) {
        Objects.requireNonNull(s, () -> what + " is null");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " " + Json.quote(Json.abbreviate(s))
                        + " is not valid Unicode (lone surrogate at index " + i + ")");
            }
        }
        return s;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, and then the rename must do. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort: the file is complete and renamed atomically either way.
        }
    }
}
