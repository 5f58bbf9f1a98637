/** A failure on the hardware path, told to the user as is (exit 1 from the command line). */
export class HardwareError extends Error {}
