package io.crumblecracker.machine;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the guest kernel's console lines and records boot milestones: the memory the kernel found,
 * the CPUs it brought up, the root filesystem it mounted, {@code Run <init>}, and a panic.
 *
 * <p>Threading: {@link #accept} runs on the console thread; the getters may be read from any thread.
 */
public final class BootWatcher implements Consumer<String> {

    private static final Pattern MEMORY = Pattern.compile("Memory: (\\d+)K/(\\d+)K available");
    private static final Pattern CPUS = Pattern.compile("smp: Brought up \\d+ nodes?, (\\d+) CPUs?");
    private static final Pattern RUN_INIT = Pattern.compile("Run (\\S+) as init process");
    private static final Pattern ROOT = Pattern.compile("VFS: Mounted root \\((\\S+) filesystem\\)");
    private static final String PANIC = "Kernel panic - not syncing";

    private final CompletableFuture<Void> reachedInit = new CompletableFuture<>();
    private volatile long memoryTotalKiB = -1;
    private volatile int cpusBroughtUp = -1;
    private volatile String panic;
    private volatile String initPath;
    private volatile String rootFilesystem;

    @Override
    public void accept(final String line) {
        final Matcher init = RUN_INIT.matcher(line);
        if (init.find()) {
            initPath = init.group(1);
            reachedInit.complete(null);
        } else if (line.contains(PANIC) && panic == null) {
            panic = line.substring(line.indexOf(PANIC));
        } else {
            final Matcher memory = MEMORY.matcher(line);
            if (memory.find()) {
                memoryTotalKiB = Long.parseLong(memory.group(2));
            }
            final Matcher cpus = CPUS.matcher(line);
            if (cpus.find()) {
                cpusBroughtUp = Integer.parseInt(cpus.group(1));
            }
            final Matcher root = ROOT.matcher(line);
            if (root.find()) {
                rootFilesystem = root.group(1);
            }
        }
    }

    /** The program the kernel started as init ({@code /init}, {@code /sbin/init}), or {@code null}. */
    public String initPath() {
        return initPath;
    }

    /** The type of the root filesystem the kernel mounted (e.g. {@code erofs}), or {@code null}. */
    public String rootFilesystem() {
        return rootFilesystem;
    }

    /** Completes when the kernel prints {@code Run <init> as init process}. */
    public CompletableFuture<Void> reachedInit() {
        return reachedInit;
    }

    /** True once the kernel started {@code /init}. */
    public boolean hasReachedInit() {
        return reachedInit.isDone();
    }

    /** The total from the kernel's {@code Memory: xK/yK available} line, or -1 if not seen yet. */
    public long memoryTotalKiB() {
        return memoryTotalKiB;
    }

    /** The CPU count from {@code smp: Brought up N node(s), M CPUs}, or -1 if not seen yet. */
    public int cpusBroughtUp() {
        return cpusBroughtUp;
    }

    /** The kernel's panic message, or {@code null}. */
    public String panic() {
        return panic;
    }
}
