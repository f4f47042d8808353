package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestDirEntry;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of a guest directory, read at once when the stream is opened, as a {@link DirectoryStream}:
 * one {@link #iterator()} per stream; after {@link #close()} the iterator behaves as if at the end and a
 * new one is refused ({@link IllegalStateException}); a filter's {@link IOException} surfaces as
 * {@link DirectoryIteratorException}.
 *
 * <p>Thread safety: {@link #close()} may be called from any thread; the iterator is for one thread.
 */
final class GuestDirectoryStream implements DirectoryStream<Path> {
    private final GuestFileSystem fileSystem;
    private final GuestPath directory;
    private final List<GuestDirEntry> entries;
    private final Filter<? super Path> filter;
    private volatile boolean closed;
    private boolean iterated;

    GuestDirectoryStream(final GuestFileSystem fileSystem, final GuestPath directory, final List<GuestDirEntry> entries,
                         final Filter<? super Path> filter) {
        this.fileSystem = fileSystem;
        this.directory = directory;
        this.entries = entries;
        this.filter = filter;
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (closed) {
            throw new IllegalStateException("Directory stream is closed");
        }
        if (iterated) {
            throw new IllegalStateException("Iterator already obtained");
        }
        iterated = true;
        return new Entries();
    }

    @Override
    public void close() {
        closed = true;
        fileSystem.untrack(this);
    }

    /** The entries the filter accepts, until the stream closes. */
    private final class Entries implements Iterator<Path> {
        private int index;
        private Path next;

        @Override
        public boolean hasNext() {
            while (next == null && !closed && index < entries.size()) {
                final Path candidate = directory.resolve(entries.get(index++).name());
                try {
                    if (filter.accept(candidate)) {
                        next = candidate;
                    }
                } catch (final IOException e) {
                    throw new DirectoryIteratorException(e);
                }
            }
            if (closed) {
                next = null;
            }
            return next != null;
        }

        @Override
        public Path next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            final Path entry = next;
            next = null;
            return entry;
        }
    }
}
