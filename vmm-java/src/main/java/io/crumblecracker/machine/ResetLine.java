package io.crumblecracker.machine;

/**
 * The i8042's CPU-reset output: a guest reset ends the machine (the VMM does not reboot guests), just
 * as a triple fault does. Connected to its machine once the machine exists.
 */
final class ResetLine implements Runnable {

    private volatile Machine machine;

    void connect(final Machine target) {
        this.machine = target;
    }

    @Override
    public void run() {
        final Machine target = machine;
        if (target != null) {
            target.guestReset("the guest reset the machine through the i8042");
        }
    }
}
