package io.crumblecracker.virtio.queue;

/**
 * A malformed descriptor chain (virtio 1.2 §2.7.5, §2.7.5.3). The available-ring entry has been consumed;
 * the device completes {@link #head()} with used length 0 (or, where its protocol allows, an error status)
 * and keeps using the queue.
 */
public final class ChainViolation extends QueueViolation {

    private static final long serialVersionUID = 1L;

    private final int head;

    /**
     * Creates the violation.
     *
     * @param reason what was wrong
     * @param head   the chain's head index, already checked to be inside the descriptor table
     * @param detail further {@code name=value} pairs
     */
    public ChainViolation(final Reason reason, final int head, final String detail) {
        super(reason, "head=" + head + " " + detail);
        this.head = head;
    }

    /** The head index of the spoilt chain, to be returned through {@link SplitQueue#addUsed}. */
    public int head() {
        return head;
    }
}
