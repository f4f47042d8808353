package io.crumblecracker.loader.initramfs;

import io.crumblecracker.loader.boot.BootException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal static x86-64 Linux executable, hand-assembled here without a toolchain, to serve as
 * {@code /init} in smoke-test boots: it writes a message to standard output (the console the kernel
 * opened for init), then restarts the machine with {@code reboot(2)}, so a successful boot ends in a
 * clean VM reset rather than a kernel panic. If the reboot call fails it exits with status 0.
 *
 * <p>The file is one ELF64 header, one {@code PT_LOAD} program header mapping the whole file read and
 * execute at {@link #BASE}, the code, then the message:
 *
 * <pre>
 *   mov eax, 1 ; mov edi, 1 ; lea rsi, [rip + message] ; mov edx, length ; syscall   write(1, msg, len)
 *   mov eax, 169 ; mov edi, 0xfee1dead ; mov esi, 0x28121969 ; mov edx, 0x01234567
 *   xor r10d, r10d ; syscall                                                           reboot(RESTART)
 *   mov eax, 60 ; xor edi, edi ; syscall ; jmp $                                       exit(0)
 * </pre>
 *
 * <p>Spec: ELF-64 Object File Format 1.5; System V AMD64 psABI, "A.2 AMD64 Linux Kernel Conventions"
 * (syscall number in {@code rax}, arguments in {@code rdi, rsi, rdx, r10}); {@code reboot(2)}; Intel SDM
 * Vol. 2 for the encodings.
 */
public final class TinyInit {

    /** The virtual address the executable is mapped at. */
    public static final long BASE = 0x40_0000;
    /** The longest message accepted, in UTF-8 bytes. */
    public static final int MAX_MESSAGE = 64 * 1024;

    /** {@code LINUX_REBOOT_MAGIC1}. */
    static final int REBOOT_MAGIC1 = 0xfee1dead;
    /** {@code LINUX_REBOOT_MAGIC2} (672274793). */
    static final int REBOOT_MAGIC2 = 0x28121969;
    /** {@code LINUX_REBOOT_CMD_RESTART}. */
    static final int REBOOT_CMD_RESTART = 0x01234567;

    private static final int SYS_WRITE = 1;
    private static final int SYS_EXIT = 60;
    private static final int SYS_REBOOT = 169;
    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int HEADERS = EHDR_SIZE + PHDR_SIZE;
    private static final int LEA_RSI_RIP_LENGTH = 7;

    private TinyInit() {
    }

    /** The {@code /init} executable: print {@code message}, then reboot. */
    public static byte[] elf(final String message) {
        return elf(message, true);
    }

    /**
     * The executable, with or without the reboot call. Only the variant without it ({@code
     * rebootAfter = false}, which prints and exits) is safe to run on a host: the other one restarts the
     * host if it runs as root.
     */
    public static byte[] elf(final String message, final boolean rebootAfter) {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_MESSAGE) {
            throw new BootException("TinyInit message is " + text.length + " bytes, the limit is " + MAX_MESSAGE);
        }
        final byte[] code = code(text.length, rebootAfter, 0);
        final byte[] linked = code(text.length, rebootAfter, code.length);
        final int fileSize = HEADERS + linked.length + text.length;
        final ByteBuffer out = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
        writeElfHeader(out);
        writeProgramHeader(out, fileSize);
        out.put(linked).put(text);
        return out.array();
    }

    /**
     * An initramfs holding {@code /dev}, {@code /dev/console} (character device 5:1, mode 0600: the
     * kernel opens it as init's standard streams) and {@code /init} (mode 0755) from {@link #elf(String)}.
     */
    public static byte[] initramfs(final String message) {
        return new InitramfsBuilder()
                .directory("/dev", 0755)
                .charDevice("/dev/console", 0600, 5, 1)
                .file("/init", 0755, elf(message))
                .build();
    }

    /**
     * The machine code. {@code messageOffset} is where the message starts, counted from the first
     * instruction; the code's length does not depend on it, so a first pass with 0 measures it.
     */
    private static byte[] code(final int length, final boolean reboot, final int messageOffset) {
        final ByteArrayOutputStream code = new ByteArrayOutputStream();
        movImm32(code, 0xB8, SYS_WRITE);          // mov eax, SYS_WRITE
        movImm32(code, 0xBF, 1);                  // mov edi, 1 (stdout)
        final int afterLea = code.size() + LEA_RSI_RIP_LENGTH;
        code.write(0x48);                         // lea rsi, [rip + disp32]
        code.write(0x8D);
        code.write(0x35);
        imm32(code, messageOffset - afterLea);
        movImm32(code, 0xBA, length);             // mov edx, length
        syscall(code);
        if (reboot) {
            movImm32(code, 0xB8, SYS_REBOOT);     // mov eax, SYS_REBOOT
            movImm32(code, 0xBF, REBOOT_MAGIC1);  // mov edi, LINUX_REBOOT_MAGIC1
            movImm32(code, 0xBE, REBOOT_MAGIC2);  // mov esi, LINUX_REBOOT_MAGIC2
            movImm32(code, 0xBA, REBOOT_CMD_RESTART); // mov edx, LINUX_REBOOT_CMD_RESTART
            code.write(0x45);                     // xor r10d, r10d (arg = NULL)
            code.write(0x31);
            code.write(0xD2);
            syscall(code);
        }
        movImm32(code, 0xB8, SYS_EXIT);           // mov eax, SYS_EXIT
        code.write(0x31);                         // xor edi, edi (status 0)
        code.write(0xFF);
        syscall(code);
        code.write(0xEB);                         // jmp $ (never reached)
        code.write(0xFE);
        return code.toByteArray();
    }

    private static void writeElfHeader(final ByteBuffer out) {
        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}); // ELF64, LSB, v1, SysV
        out.putShort((short) 2);                  // e_type: ET_EXEC
        out.putShort((short) 62);                 // e_machine: EM_X86_64
        out.putInt(1);                            // e_version: EV_CURRENT
        out.putLong(BASE + HEADERS);              // e_entry: the first instruction
        out.putLong(EHDR_SIZE);                   // e_phoff
        out.putLong(0);                           // e_shoff: no section headers
        out.putInt(0);                            // e_flags
        out.putShort((short) EHDR_SIZE);          // e_ehsize
        out.putShort((short) PHDR_SIZE);          // e_phentsize
        out.putShort((short) 1);                  // e_phnum
        out.putShort((short) 0);                  // e_shentsize
        out.putShort((short) 0);                  // e_shnum
        out.putShort((short) 0);                  // e_shstrndx
    }

    private static void writeProgramHeader(final ByteBuffer out, final int fileSize) {
        out.putInt(1);                            // p_type: PT_LOAD
        out.putInt(5);                            // p_flags: PF_R | PF_X
        out.putLong(0);                           // p_offset: the whole file
        out.putLong(BASE);                        // p_vaddr
        out.putLong(BASE);                        // p_paddr
        out.putLong(fileSize);                    // p_filesz
        out.putLong(fileSize);                    // p_memsz
        out.putLong(0x1000);                      // p_align
    }

    private static void movImm32(final ByteArrayOutputStream code, final int opcode, final int value) {
        code.write(opcode);
        imm32(code, value);
    }

    private static void imm32(final ByteArrayOutputStream code, final int value) {
        code.write(value);
        code.write(value >>> 8);
        code.write(value >>> 16);
        code.write(value >>> 24);
    }

    private static void syscall(final ByteArrayOutputStream code) {
        code.write(0x0F);
        code.write(0x05);
    }
}
