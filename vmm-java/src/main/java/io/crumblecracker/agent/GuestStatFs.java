package io.crumblecracker.agent;

/**
 * What {@code statfs(2)} says about a guest file system.
 *
 * @param blockSize       bytes per block
 * @param blocks          total blocks
 * @param freeBlocks      free blocks
 * @param availableBlocks blocks free for unprivileged users
 * @param type            the file system type's name ({@code overlay}, {@code tmpfs}, ...)
 */
public record GuestStatFs(long blockSize, long blocks, long freeBlocks, long availableBlocks, String type) {
}
