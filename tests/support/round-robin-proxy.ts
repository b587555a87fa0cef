import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small load balancer for the scaled topology test, standing in for the compose file's Caddy: round
 * robin over the backends, skipping one that refuses the connection (as Caddy's lb_try_duration does),
 * streaming bodies both ways. Counts what each backend served.
 */
export interface RoundRobinProxy {
  readonly url: string
  readonly served: Map<string, number>
  close(): Promise<void>
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const served = new Map(backends.map((b) => [b, 0]))
  let next = 0
  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tries: number): void => {
    const backend = backends[next++ % backends.length] ?? ''
    const target = new URL(req.url ?? '/', backend)
    const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (upRes) => {
      served.set(backend, (served.get(backend) ?? 0) + 1)
      res.writeHead(upRes.statusCode ?? 502, upRes.headers)
      upRes.pipe(res)
    })
    up.on('error', () => {
      if (tries > 1) forward(req, res, body, tries - 1)
      else if (!res.headersSent) res.writeHead(502).end()
    })
    up.end(body)
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => forward(req, res, Buffer.concat(chunks), backends.length))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
