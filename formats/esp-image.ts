// The ESP32 application image header (ESP-IDF "esp_image_format.h"): magic
// 0xE9, segment count, SPI mode, size/frequency, entry point, then the
// extended header whose bytes 12..13 name the chip the image was built for.

const ESP_IMAGE_MAGIC = 0xe9

/** Chips camscript boards use, by the image header's chip id. */
const IMAGE_CHIP_IDS: Record<number, string> = { 0: "ESP32", 2: "ESP32-S2", 5: "ESP32-C3", 9: "ESP32-S3" }

export interface EspImageHeader {
    segments: number
    chipId: number
    chipName: string
}

/** The header of an image at the start of `data`, or undefined when it is not an ESP image. */
export function readImageHeader(data: Uint8Array): EspImageHeader | undefined {
    if (data.length < 24 || data[0] !== ESP_IMAGE_MAGIC) return undefined
    const chipId = data[12] | (data[13] << 8)
    return { segments: data[1], chipId, chipName: IMAGE_CHIP_IDS[chipId] ?? `chip id ${chipId}` }
}
