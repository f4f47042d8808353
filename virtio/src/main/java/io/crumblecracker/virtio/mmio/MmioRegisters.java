package io.crumblecracker.virtio.mmio;

/**
 * The virtio-mmio register file, version 2 (virtio 1.2 §4.2.2, table "MMIO Device Register Layout").
 * Offsets from the start of the device's window; every control register is 32 bits wide, little-endian,
 * accessed with aligned 32-bit loads and stores only. The device configuration space starts at
 * {@link #CONFIG}.
 *
 * <pre>
 * 0x000 MagicValue  R   0x74726976 ("virt")       0x050 QueueNotify       W
 * 0x004 Version     R   2                         0x060 InterruptStatus   R
 * 0x008 DeviceID    R                             0x064 InterruptACK      W
 * 0x00c VendorID    R                             0x070 Status            RW
 * 0x010 DeviceFeatures     R                      0x080/0x084 QueueDescLow/High     W
 * 0x014 DeviceFeaturesSel  W                      0x090/0x094 QueueDriverLow/High   W
 * 0x020 DriverFeatures     W                      0x0a0/0x0a4 QueueDeviceLow/High   W
 * 0x024 DriverFeaturesSel  W                      0x0ac SHMSel  0x0b0/0x0b4 SHMLen  0x0b8/0x0bc SHMBase
 * 0x030 QueueSel    W                             0x0c0 QueueReset        RW
 * 0x034 QueueNumMax R                             0x0fc ConfigGeneration  R
 * 0x038 QueueNum    W                             0x100 Config            RW
 * 0x044 QueueReady  RW
 * </pre>
 */
public final class MmioRegisters {

    /** "virt" in little-endian ASCII. */
    public static final int MAGIC = 0x7472_6976;
    /** The only transport version we implement (the non-legacy one). */
    public static final int VERSION = 2;
    /** Our vendor ID: "crck" in little-endian ASCII. */
    public static final int VENDOR_ID = 0x6b63_7263;
    /** The size of the MMIO window we give each device. */
    public static final long WINDOW_SIZE = 0x1000;

    /** MagicValue. */
    public static final int MAGIC_VALUE = 0x000;
    /** Version. */
    public static final int VERSION_REG = 0x004;
    /** DeviceID. */
    public static final int DEVICE_ID = 0x008;
    /** VendorID. */
    public static final int VENDOR_ID_REG = 0x00c;
    /** DeviceFeatures: 32 bits of the device's features, selected by DeviceFeaturesSel. */
    public static final int DEVICE_FEATURES = 0x010;
    /** DeviceFeaturesSel. */
    public static final int DEVICE_FEATURES_SEL = 0x014;
    /** DriverFeatures: 32 bits of the driver's accepted features, selected by DriverFeaturesSel. */
    public static final int DRIVER_FEATURES = 0x020;
    /** DriverFeaturesSel. */
    public static final int DRIVER_FEATURES_SEL = 0x024;
    /** QueueSel: the queue the Queue* registers refer to. */
    public static final int QUEUE_SEL = 0x030;
    /** QueueNumMax: the selected queue's maximum size, 0 if it does not exist. */
    public static final int QUEUE_NUM_MAX = 0x034;
    /** QueueNum: the driver's size for the selected queue. */
    public static final int QUEUE_NUM = 0x038;
    /** QueueReady. */
    public static final int QUEUE_READY = 0x044;
    /** QueueNotify: the index of a queue with new buffers. */
    public static final int QUEUE_NOTIFY = 0x050;
    /** InterruptStatus. */
    public static final int INTERRUPT_STATUS = 0x060;
    /** InterruptACK. */
    public static final int INTERRUPT_ACK = 0x064;
    /** Status: the device status field (§2.1). */
    public static final int STATUS = 0x070;
    /** QueueDescLow. */
    public static final int QUEUE_DESC_LOW = 0x080;
    /** QueueDescHigh. */
    public static final int QUEUE_DESC_HIGH = 0x084;
    /** QueueDriverLow (the available ring). */
    public static final int QUEUE_DRIVER_LOW = 0x090;
    /** QueueDriverHigh. */
    public static final int QUEUE_DRIVER_HIGH = 0x094;
    /** QueueDeviceLow (the used ring). */
    public static final int QUEUE_DEVICE_LOW = 0x0a0;
    /** QueueDeviceHigh. */
    public static final int QUEUE_DEVICE_HIGH = 0x0a4;
    /** SHMSel: selects a shared memory region. */
    public static final int SHM_SEL = 0x0ac;
    /** SHMLenLow: all ones when the selected region does not exist. */
    public static final int SHM_LEN_LOW = 0x0b0;
    /** SHMLenHigh. */
    public static final int SHM_LEN_HIGH = 0x0b4;
    /** SHMBaseLow. */
    public static final int SHM_BASE_LOW = 0x0b8;
    /** SHMBaseHigh. */
    public static final int SHM_BASE_HIGH = 0x0bc;
    /** QueueReset (only with VIRTIO_F_RING_RESET, which we do not offer). */
    public static final int QUEUE_RESET = 0x0c0;
    /** ConfigGeneration. */
    public static final int CONFIG_GENERATION = 0x0fc;
    /** Start of the device configuration space. */
    public static final int CONFIG = 0x100;

    /** InterruptStatus bit: the device used a buffer on at least one queue. */
    public static final int INT_USED_BUFFER = 0x1;
    /** InterruptStatus bit: the configuration (or DEVICE_NEEDS_RESET) changed. */
    public static final int INT_CONFIG_CHANGE = 0x2;

    private MmioRegisters() {
    }
}
