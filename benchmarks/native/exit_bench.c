/*
 * The C side of the exit benchmarks: the same hand-assembled real-mode guests as the Java
 * benchmarks (ExitRoundTripBenchmark, FirstInstructionBenchmark), driven through raw KVM ioctls with
 * nothing in between, so the two can be run side by side and compared.
 *
 *   exit_bench exits pio|mmio N ROUNDS   N exits per round; prints ns per exit for each round
 *   exit_bench first VMLINUX ROUNDS      time from "start" to the guest's first instruction (an out):
 *                                        open /dev/kvm, VM, 256 MiB RAM, vCPU, copy the kernel file
 *                                        into RAM at 16 MiB, registers, KVM_RUN until the first exit
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CODE 0x1000
#define SMALL_RAM 0x10000
#define BIG_RAM (256UL << 20)
#define KERNEL_AT (16UL << 20)

static void die(const char *what) { perror(what); exit(1); }

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

struct guest { int kvm, vm, vcpu; uint8_t *ram; struct kvm_run *run; };

static void make_guest(struct guest *g, size_t ram_size) {
    g->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (g->kvm < 0) die("open /dev/kvm");
    g->vm = ioctl(g->kvm, KVM_CREATE_VM, 0);
    if (g->vm < 0) die("KVM_CREATE_VM");
    if (ioctl(g->vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0) die("KVM_SET_TSS_ADDR");
    g->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (g->ram == MAP_FAILED) die("mmap ram");
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = ram_size, .userspace_addr = (uint64_t)g->ram };
    if (ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");
    g->vcpu = ioctl(g->vm, KVM_CREATE_VCPU, 0);
    if (g->vcpu < 0) die("KVM_CREATE_VCPU");
    int size = ioctl(g->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    g->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, g->vcpu, 0);
    if (g->run == MAP_FAILED) die("mmap kvm_run");
}

static void reset_vcpu(struct guest *g) {
    struct kvm_sregs sregs;
    if (ioctl(g->vcpu, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(g->vcpu, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = { .rip = CODE, .rflags = 2, .rsp = 0x8000 };
    if (ioctl(g->vcpu, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");
}

static void free_guest(struct guest *g, size_t ram_size) {
    close(g->vcpu);
    close(g->vm);
    close(g->kvm);
    munmap(g->ram, ram_size);
}

/* Real-mode loops, byte for byte the same as ExitGuests.java. */
static const uint8_t PIO_LOOP[] = {
    0x66, 0xB9, 0, 0, 0, 0,   /* mov ecx, N (patched) */
    0xE6, 0xF0,               /* L: out 0xf0, al */
    0x66, 0x49,               /* dec ecx */
    0x75, 0xFA,               /* jnz L */
    0xF4 };                   /* hlt */
static const uint8_t MMIO_LOOP[] = {
    0xB8, 0x00, 0x20, 0x8E, 0xD8, /* mov ax, 0x2000; mov ds, ax: ds base 0x20000, unbacked */
    0x66, 0xB9, 0, 0, 0, 0,       /* mov ecx, N (patched) */
    0xA2, 0x10, 0x00,             /* L: mov [0x10], al  -> MMIO write */
    0x66, 0x49,                   /* dec ecx */
    0x75, 0xF9,                   /* jnz L */
    0xF4 };

static volatile uint64_t sink;

static int bench_exits(int mmio, uint32_t n, int rounds) {
    struct guest g;
    make_guest(&g, SMALL_RAM);
    const uint8_t *code = mmio ? MMIO_LOOP : PIO_LOOP;
    size_t len = mmio ? sizeof MMIO_LOOP : sizeof PIO_LOOP;
    memcpy(g.ram + CODE, code, len);
    memcpy(g.ram + CODE + (mmio ? 7 : 2), &n, 4);
    for (int r = 0; r < rounds; r++) {
        reset_vcpu(&g);
        uint64_t exits = 0, t0 = now_ns();
        for (;;) {
            if (ioctl(g.vcpu, KVM_RUN, 0) < 0) die("KVM_RUN");
            if (g.run->exit_reason == KVM_EXIT_IO) {
                sink += *((uint8_t *)g.run + g.run->io.data_offset);
                exits++;
            } else if (g.run->exit_reason == KVM_EXIT_MMIO) {
                sink += g.run->mmio.data[0];
                exits++;
            } else if (g.run->exit_reason == KVM_EXIT_HLT) {
                break;
            } else {
                fprintf(stderr, "unexpected exit %u\n", g.run->exit_reason);
                return 1;
            }
        }
        uint64_t t1 = now_ns();
        printf("%s exits=%lu ns_per_exit=%.1f\n", mmio ? "mmio" : "pio", exits, (double)(t1 - t0) / exits);
    }
    free_guest(&g, SMALL_RAM);
    return 0;
}

static int bench_first(const char *kernel, int rounds) {
    for (int r = 0; r < rounds; r++) {
        uint64_t t0 = now_ns();
        struct guest g;
        make_guest(&g, BIG_RAM);
        int fd = open(kernel, O_RDONLY | O_CLOEXEC);
        if (fd < 0) die("open kernel");
        struct stat st;
        fstat(fd, &st);
        if ((uint64_t)st.st_size > BIG_RAM - KERNEL_AT) { fprintf(stderr, "kernel too big\n"); return 1; }
        for (off_t done = 0; done < st.st_size;) {
            ssize_t got = pread(fd, g.ram + KERNEL_AT + done, st.st_size - done, done);
            if (got <= 0) die("read kernel");
            done += got;
        }
        close(fd);
        static const uint8_t first[] = { 0xE6, 0xF0, 0xF4 };   /* out 0xf0, al; hlt */
        memcpy(g.ram + CODE, first, sizeof first);
        reset_vcpu(&g);
        if (ioctl(g.vcpu, KVM_RUN, 0) < 0 || g.run->exit_reason != KVM_EXIT_IO) die("first KVM_RUN");
        uint64_t t1 = now_ns();
        printf("first_instruction_us=%.1f\n", (t1 - t0) / 1000.0);
        free_guest(&g, BIG_RAM);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "exits") == 0)
        return bench_exits(strcmp(argv[2], "mmio") == 0, (uint32_t)atol(argv[3]), atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "first") == 0)
        return bench_first(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: %s exits pio|mmio N ROUNDS | first VMLINUX ROUNDS\n", argv[0]);
    return 2;
}
