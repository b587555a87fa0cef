import { promisify } from 'node:util'
import { crc32, deflate } from 'node:zlib'

const deflateAsync = promisify(deflate)
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * A binary PPM (P6, 8-bit RGB: what pdftoppm writes by default) as a PNG. pdftoppm's own `-png`
 * compresses at libpng's default level, which is most of a page's render time; deflate at level 4 in
 * zlib's thread pool is a small part of it and gives files of about the same size (pages are mostly
 * white; bench/page-images.ts shows both). Each row gets the "Up" filter, which suits text on a plain
 * background.
 */
export async function ppmToPng(ppm: Buffer): Promise<Buffer> {
  const header = /^P6\s+(?:#[^\n]*\s+)*(\d+)\s+(?:#[^\n]*\s+)*(\d+)\s+(?:#[^\n]*\s+)*(\d+)\s/.exec(ppm.subarray(0, 200).toString('latin1'))
  if (header === null || Number(header[3]) !== 255) throw new Error('not an 8-bit binary PPM (P6)')
  const width = Number(header[1])
  const height = Number(header[2])
  const stride = width * 3
  const pixels = ppm.subarray(header[0].length)
  if (pixels.length < stride * height) throw new Error(`PPM truncated: ${pixels.length} bytes for ${width}x${height}`)
  const raw = Buffer.alloc((stride + 1) * height)
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1)
    const row = y * stride
    raw[out] = 2 // Up: each byte minus the one above it
    for (let x = 0; x < stride; x++) raw[out + 1 + x] = ((pixels[row + x] ?? 0) - (y === 0 ? 0 : (pixels[row - stride + x] ?? 0))) & 0xff
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit, truecolour, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', await deflateAsync(raw, { level: 4 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}
