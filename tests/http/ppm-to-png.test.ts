import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ppmToPng } from '../../src/adapters/pdf/ppm-to-png.js'

/** Undoes the PNG "Up" filter rows, for checking the encoder against the pixels it was given. */
function decode(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n')
  let at = 8
  let width = 0
  let height = 0
  const idat: Buffer[] = []
  while (at < png.length) {
    const len = png.readUInt32BE(at)
    const type = png.subarray(at + 4, at + 8).toString('latin1')
    const data = png.subarray(at + 8, at + 8 + len)
    if (type === 'IHDR') [width, height] = [data.readUInt32BE(0), data.readUInt32BE(4)]
    if (type === 'IDAT') idat.push(data)
    at += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 3
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(2)
    for (let x = 0; x < stride; x++)
      pixels[y * stride + x] = (raw[y * (stride + 1) + 1 + x]! + (y === 0 ? 0 : pixels[(y - 1) * stride + x]!)) & 0xff
  }
  return { width, height, pixels }
}

describe('ppmToPng', () => {
  it('encodes the PPM’s pixels losslessly, with its size', async () => {
    const width = 7
    const height = 5
    const pixels = Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i % 5) * 91) & 0xff))
    const ppm = Buffer.concat([Buffer.from(`P6\n# made by a test\n${width} ${height}\n255\n`), pixels])
    const out = decode(await ppmToPng(ppm))
    expect([out.width, out.height]).toEqual([width, height])
    expect(out.pixels.equals(pixels)).toBe(true)
  })

  it('refuses what is not an 8-bit binary PPM', async () => {
    await expect(ppmToPng(Buffer.from('P3\n1 1\n255\n0 0 0\n'))).rejects.toThrow(/P6/)
    await expect(ppmToPng(Buffer.from('P6\n4 4\n255\n\x00\x00'))).rejects.toThrow(/truncated/)
  })
})
