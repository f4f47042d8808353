package io.crumblecracker.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.api.Engine;
import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.engine.qemu.QemuConfig;
import io.crumblecracker.machine.HostKvm;
import org.junit.jupiter.api.Test;

/** Engine selection for every kind of host (DESIGN.md, "Engines"). */
class EngineChoiceTest {
    private static final HostKvm REAL_KVM = new HostKvm(true, "", false, 4, 64);
    private static final HostKvm PVM = new HostKvm(true, "", true, 4, 64);
    private static final HostKvm NO_KVM = new HostKvm(false, "cannot open /dev/kvm: No such file or directory",
            false, 0, 0);

    @Test
    void shouldPickKvmWhereItRunsGuestUserMode() throws Exception {
        final EngineChoice choice = EngineChoice.choose(Engine.AUTO, REAL_KVM, true);
        assertEquals(Engine.KVM, choice.engine());
        assertNull(choice.accel());
        assertTrue(choice.describe().startsWith("engine kvm: "), choice.describe());
    }

    @Test
    void shouldPickQemuTcgOnAPvmHostAndSayWhy() throws Exception {
        final EngineChoice choice = EngineChoice.choose(Engine.AUTO, PVM, true);
        assertEquals(Engine.QEMU, choice.engine());
        assertEquals(QemuConfig.Accel.TCG, choice.accel());
        assertTrue(choice.describe().contains("cannot run guest user mode"), choice.describe());
    }

    @Test
    void shouldAccelerateAnExplicitQemuWithKvmWhereKvmWorks() throws Exception {
        assertEquals(QemuConfig.Accel.KVM, EngineChoice.choose(Engine.QEMU, REAL_KVM, true).accel());
        assertEquals(QemuConfig.Accel.TCG, EngineChoice.choose(Engine.QEMU, NO_KVM, true).accel());
    }

    @Test
    void shouldRefuseWhatCannotRunWithTheReason() {
        final HypervisorUnavailableException nothing = assertThrows(HypervisorUnavailableException.class,
                () -> EngineChoice.choose(Engine.AUTO, NO_KVM, false));
        assertTrue(nothing.getMessage().contains("No such file or directory"), nothing.getMessage());
        assertTrue(nothing.getMessage().contains("apt-get install qemu-system-x86"), nothing.getMessage());
        assertThrows(HypervisorUnavailableException.class, () -> EngineChoice.choose(Engine.KVM, PVM, true));
        assertThrows(HypervisorUnavailableException.class, () -> EngineChoice.choose(Engine.KVM, NO_KVM, true));
        assertThrows(HypervisorUnavailableException.class, () -> EngineChoice.choose(Engine.QEMU, REAL_KVM, false));
    }

    @Test
    void shouldHonourAnExplicitKvmOnPvmOnlyWhenAllowed() throws Exception {
        assertEquals(Engine.KVM, EngineChoice.choose(Engine.KVM, PVM, true, true).engine());
        assertThrows(HypervisorUnavailableException.class, () -> EngineChoice.choose(Engine.KVM, NO_KVM, true, true));
    }
}
