import { Writable } from 'node:stream'

/** A stream that keeps what is written, for running CLI commands in-process. */
export function capture(): Writable & { text(): string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString())
      done()
    },
  }) as Writable & { text(): string }
  stream.text = () => chunks.join('')
  return stream
}
