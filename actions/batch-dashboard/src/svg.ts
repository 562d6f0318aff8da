// Renders a Vega-Lite spec to an SVG string at build time: vega-lite compiles it to a Vega spec,
// and a headless Vega View (renderer 'none') draws it with toSVG(). No DOM, no canvas, no network.
// vega and vega-lite are loaded on first use (their own chunk of the bundle), so that a run that
// fails before any chart (an invalid control file, a bad input) does not pay for loading them.

import type { TopLevelSpec } from 'vega-lite'

type Renderer = (spec: TopLevelSpec) => Promise<string>

let loaded: Promise<Renderer> | undefined

async function load(): Promise<Renderer> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')])
  return async (spec) => {
    const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' })
    try {
      return inline(await view.toSVG())
    } finally {
      view.finalize()
    }
  }
}

/**
 * The SVG as an element of the HTML page: the XML namespace declarations go (an inline <svg> in
 * HTML needs none, and the page then names no network address at all).
 */
export function inline(svg: string): string {
  return svg.replace(/^<svg([^>]*)>/, (_, attrs: string) => `<svg${attrs.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')} aria-hidden="true" focusable="false">`)
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  loaded ??= load()
  return (await loaded)(spec)
}
