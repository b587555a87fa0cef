/** A line chart as SVG text: one series per metric, each divided by its first value, against corpus pages. */
export interface Series {
  readonly name: string
  readonly values: readonly number[]
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']

export function relativeChart(title: string, xs: readonly number[], series: readonly Series[]): string {
  const W = 720
  const H = 420
  const pad = { l: 60, r: 220, t: 40, b: 50 }
  const rel = series.map((s) => ({ name: s.name, values: s.values.map((v) => (s.values[0] ? v / s.values[0] : 0)) }))
  const maxY = Math.max(1.5, ...rel.flatMap((s) => s.values)) * 1.1
  const maxX = Math.max(...xs)
  const x = (v: number): number => pad.l + (v / maxX) * (W - pad.l - pad.r)
  const y = (v: number): number => H - pad.b - (v / maxY) * (H - pad.t - pad.b)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${pad.l}" y="22" font-size="14">${title}</text>`,
    `<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="black"/>`,
    `<line x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}" stroke="black"/>`,
    `<text x="${(pad.l + W - pad.r) / 2}" y="${H - 12}" text-anchor="middle">corpus pages</text>`,
    `<text x="14" y="${(pad.t + H - pad.b) / 2}" transform="rotate(-90 14 ${(pad.t + H - pad.b) / 2})" text-anchor="middle">relative to 1×</text>`,
  ]
  for (let t = 0; t <= maxY; t += maxY > 6 ? 2 : 0.5) {
    parts.push(
      `<line x1="${pad.l - 4}" y1="${y(t)}" x2="${W - pad.r}" y2="${y(t)}" stroke="#ddd"/><text x="${pad.l - 8}" y="${y(t) + 4}" text-anchor="end">${t}</text>`,
    )
  }
  for (const v of xs) parts.push(`<text x="${x(v)}" y="${H - pad.b + 16}" text-anchor="middle">${v}</text>`)
  rel.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!
    const points = s.values.map((v, j) => `${x(xs[j]!).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`)
    for (const p of points.split(' ')) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${color}"/>`)
    parts.push(
      `<rect x="${W - pad.r + 16}" y="${pad.t + i * 20}" width="12" height="12" fill="${color}"/><text x="${W - pad.r + 34}" y="${pad.t + i * 20 + 10}">${s.name}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('\n')
}
