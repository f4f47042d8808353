/**
 * Boot-protocol data the loader writes into guest memory: the kernel command line, the e820 memory
 * map and the zero page ({@code struct boot_params}).
 *
 * <p>Every failure of the loader module, whatever its package, is a {@link
 * io.crumblecracker.loader.boot.BootException}.
 */
package io.crumblecracker.loader.boot;
