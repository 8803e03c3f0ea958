package org.transformer4j.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The file-system steps of crash-safe checkpoints: durable writes, directory fsync, atomic renames, deletion. */
final class CheckpointFiles {
    private CheckpointFiles() {
    }

    /** A random suffix for temporary names. */
    static String nonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Writes a new file and forces its bytes to disk. */
    static void writeDurably(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** Replaces {@code target} by a file with these bytes: temporary file, fsync, atomic rename, directory fsync. */
    static void replaceAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + nonce());
        try {
            writeDurably(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /** Makes renames and creations in {@code dir} durable (best effort where directories cannot be opened). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
        }
    }

    /** Renames a directory atomically (no replacing) and makes the rename durable. */
    static void renameDirectory(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(to.getParent());
    }

    /** Deletes a file tree, children first; missing entries are fine. */
    static void deleteTree(Path root) throws IOException {
        if (Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                ds.forEach(children::add);
            } catch (NoSuchFileException e) {
                return;
            }
            for (Path c : children) {
                deleteTree(c);
            }
        }
        Files.deleteIfExists(root);
    }

    /**
     * Removes a directory without ever leaving a partly deleted one under its real name: it is first renamed to a
     * name readers ignore ({@code <name>.trash-<nonce>}), then deleted.
     */
    static void discardDirectory(Path dir) throws IOException {
        Path trash = dir.resolveSibling(dir.getFileName() + ".trash-" + nonce());
        renameDirectory(dir, trash);
        deleteTree(trash);
    }
}
