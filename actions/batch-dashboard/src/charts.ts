// The dashboard's charts as Vega-Lite specs: pure data in, a spec out. svg.ts renders them.
//
// Every chart has a fixed time domain (the window, or the budget week), so that charts line up
// one under another. Marks carry no ARIA of their own: the page wraps each chart in an element
// with role="img", a label and a text summary, and gives its numbers as a table.
// The colours of severities and events are the page's key (page.ts KEY).

import type { TopLevelSpec } from 'vega-lite'
import { type DashboardModel, type EcosystemChart, EVENT_KINDS, type EventKind, type NowSection, SEVERITY_ORDER, type Severity } from '@batch-ops/core'

export const WIDTH = 880

export const SEVERITY_COLOUR: Record<Severity, string> = { ok: '#1a7f37', info: '#0969da', warning: '#9a6700', critical: '#cf222e' }
const SEVERITY_SHAPE: Record<Severity, string> = { ok: 'circle', info: 'square', warning: 'triangle-up', critical: 'diamond' }
export const EVENT_COLOUR: Record<EventKind, string> = {
  trip: '#cf222e',
  close: '#1a7f37',
  stop: '#24292f',
  resume: '#6e7781',
  pause: '#bc4c00',
  unpause: '#d4a72c'
}
const EVENT_DASH: Record<EventKind, number[]> = { trip: [], close: [2, 2], stop: [6, 3], resume: [2, 3], pause: [6, 3], unpause: [2, 3] }

/** The name of the batch points' layer: vega draws them as `<g class="mark-symbol role-mark batches_marks">`. */
export const POINTS_LAYER = 'batches'
/** The events' layer: `<g class="mark-rule role-mark events_marks">`, one line per event. */
export const EVENTS_LAYER = 'events'

const MARK_COLOUR = { sampling: '#9a6700', pause: '#cf222e', limit: '#24292f' }

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'

const CONFIG = {
  font: FONT,
  background: 'white',
  view: { stroke: '#d0d7de' },
  axis: { labelColor: '#1f2328', titleColor: '#1f2328', labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eaeef2', domainColor: '#8c959f', tickColor: '#8c959f' },
  // The marks are described by the page (role="img", summary, table), not one by one.
  aria: false
} as const

/** Ticks at midnights (a day, two days, a week (Sundays), two weeks, a month): the labels are dates, so a tick never falls inside a day. */
function ticks(days: number): { interval: 'day' | 'week' | 'month'; step: number } {
  if (days <= 10) return { interval: 'day', step: 1 }
  if (days <= 21) return { interval: 'day', step: 2 }
  if (days <= 70) return { interval: 'week', step: 1 }
  if (days <= 140) return { interval: 'week', step: 2 }
  return { interval: 'month', step: 1 }
}
const timeAxis = (days: number, format = '%b %d') => ({ title: null, format, labelAngle: 0, tickCount: ticks(days), labelOverlap: true, labelSeparation: 8 })

/** One ecosystem's success rate per batch, with its SLO, the critical threshold and the events. */
export function successSpec(chart: EcosystemChart, model: Pick<DashboardModel, 'from' | 'now' | 'days' | 'criticalThreshold'>): TopLevelSpec {
  const x = { field: 't', type: 'temporal' as const, scale: { type: 'utc' as const, domain: [model.from, model.now] }, axis: timeAxis(model.days) }
  const points = chart.points.filter((p) => p.rate !== null).map((p) => ({ t: p.at, rate: p.rate, severity: p.severity, batch: p.batchId }))
  const lines = [
    ...(chart.slo !== null ? [{ y: chart.slo, kind: 'slo', label: `SLO ${pct(chart.slo)}` }] : []),
    { y: model.criticalThreshold, kind: 'critical', label: `critical ${pct(model.criticalThreshold)}` }
  ]
  const events = chart.events.map((e) => ({ t: e.at, kind: e.kind }))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: 180,
    config: CONFIG,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: {
          y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: 'success rate', tickCount: 5 } },
          color: { field: 'kind', type: 'nominal', scale: { domain: ['slo', 'critical'], range: ['#57606a', '#cf222e'] }, legend: null },
          strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['slo', 'critical'], range: [[6, 4], [2, 3]] }, legend: null }
        }
      },
      {
        data: { values: lines },
        // Right of the plot, where no point can be.
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 6, fontSize: 11 },
        encoding: {
          x: { value: WIDTH },
          y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] } },
          text: { field: 'label' },
          color: { field: 'kind', type: 'nominal', scale: { domain: ['slo', 'critical'], range: ['#57606a', '#cf222e'] }, legend: null }
        }
      },
      ...(events.length > 0
        ? [
            {
              name: EVENTS_LAYER,
              data: { values: events },
              mark: { type: 'rule' as const, strokeWidth: 2 },
              encoding: {
                x,
                color: { field: 'kind', type: 'nominal' as const, scale: { domain: [...EVENT_KINDS], range: EVENT_KINDS.map((k) => EVENT_COLOUR[k]) }, legend: null },
                strokeDash: { field: 'kind', type: 'nominal' as const, scale: { domain: [...EVENT_KINDS], range: EVENT_KINDS.map((k) => EVENT_DASH[k]) }, legend: null }
              }
            }
          ]
        : []),
      {
        name: POINTS_LAYER,
        data: { values: points },
        mark: { type: 'point', filled: true, size: 50, opacity: 0.9 },
        encoding: {
          x,
          y: { field: 'rate', type: 'quantitative', scale: { domain: [0, 1] } },
          color: { field: 'severity', type: 'nominal', scale: { domain: [...SEVERITY_ORDER], range: SEVERITY_ORDER.map((s) => SEVERITY_COLOUR[s]) }, legend: null },
          shape: { field: 'severity', type: 'nominal', scale: { domain: [...SEVERITY_ORDER], range: SEVERITY_ORDER.map((s) => SEVERITY_SHAPE[s]) }, legend: null }
        }
      }
    ],
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } }
  } as TopLevelSpec
}

/** This week's budget per OS as a share of its limit, with the sampling and pause thresholds and the limit marked. */
export function budgetSpec(b: NowSection['budget']): TopLevelSpec {
  const rows = b.usage.map((u) => ({
    os: u.os,
    share: Number.isFinite(u.fraction) ? u.fraction : 1.5,
    status: u.fraction >= b.thresholds.pause ? 'pause' : u.fraction >= b.thresholds.sampling ? 'sampling' : 'ok',
    label: `${u.used} of ${u.limit} min (${Number.isFinite(u.fraction) ? pct(u.fraction) : '∞'})`
  }))
  const top = Math.max(1.1, ...rows.map((r) => r.share + 0.25))
  const marks = [
    { share: b.thresholds.sampling, label: `sampling ${pct(b.thresholds.sampling)}`, kind: 'sampling' },
    { share: b.thresholds.pause, label: `pause ${pct(b.thresholds.pause)}`, kind: 'pause' },
    { share: 1, label: 'limit', kind: 'limit' }
  ]
  const x = { field: 'share', type: 'quantitative' as const, scale: { domain: [0, top], nice: false }, axis: { format: '.0%', title: 'share of the weekly limit', tickCount: 6 } }
  const y = { field: 'os', type: 'nominal' as const, sort: ['macOS', 'Linux'], axis: { title: null, labelFontSize: 13 } }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: 90,
    config: CONFIG,
    padding: { top: 30, left: 5, right: 5, bottom: 5 },
    layer: [
      {
        data: { values: rows },
        mark: { type: 'bar', height: 22 },
        encoding: { x, y, color: { field: 'status', type: 'nominal', scale: { domain: ['ok', 'sampling', 'pause'], range: ['#0969da', '#9a6700', '#cf222e'] }, legend: null } }
      },
      // The figures inside a long bar (white on blue), after a short one: never across a threshold's line.
      {
        data: { values: rows.filter((r) => r.share >= 0.45) },
        mark: { type: 'text', align: 'right', dx: -6, fontSize: 12, color: 'white' },
        encoding: { x, y, text: { field: 'label' } }
      },
      {
        data: { values: rows.filter((r) => r.share < 0.45) },
        mark: { type: 'text', align: 'left', dx: 6, fontSize: 12, color: '#1f2328' },
        encoding: { x, y, text: { field: 'label' } }
      },
      {
        data: { values: marks },
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: {
          x,
          color: { field: 'kind', type: 'nominal', scale: { domain: ['sampling', 'pause', 'limit'], range: ['#9a6700', '#cf222e', '#24292f'] }, legend: null },
          strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['sampling', 'pause', 'limit'], range: [[6, 3], [6, 3], []] }, legend: null }
        }
      },
      // One label layer per mark: sampling's to the left of its line, the others to the right, so that close lines keep their labels apart.
      ...marks.map((mk) => ({
        data: { values: [mk] },
        // Above the plot, each left of its line but the limit's: sampling a row higher, so that close thresholds keep their labels apart.
        mark: {
          type: 'text' as const,
          baseline: 'bottom' as const,
          y: mk.kind === 'sampling' ? -16 : -3,
          fontSize: 11,
          align: mk.kind === 'limit' ? ('left' as const) : ('right' as const),
          dx: mk.kind === 'limit' ? 3 : -3,
          color: MARK_COLOUR[mk.kind as keyof typeof MARK_COLOUR]
        },
        encoding: { x, text: { field: 'label' } }
      }))
    ],
    resolve: { scale: { color: 'independent' } }
  } as TopLevelSpec
}

/** This week's CI minutes of one OS, cumulative over the metrics lines, against the limit and thresholds. */
export function minutesSpec(m: DashboardModel['minutes'], os: 'macOS' | 'Linux', now: number): TopLevelSpec {
  const limit = os === 'macOS' ? m.limits.macos : m.limits.linux
  const steps = [
    { t: m.weekStart, total: 0 },
    ...m.points.map((p) => ({ t: p.at, total: os === 'macOS' ? p.macosTotal : p.linuxTotal }))
  ]
  const counter = os === 'macOS' ? m.control.macos : m.control.linux
  const top = Math.max(limit * 1.15, counter * 1.1, ...steps.map((s) => s.total * 1.1), 10)
  const x = { field: 't', type: 'temporal' as const, scale: { type: 'utc' as const, domain: [m.weekStart, m.weekStart + 7 * 86_400_000] }, axis: timeAxis(7, '%a %d') }
  const y = { field: 'total', type: 'quantitative' as const, scale: { domain: [0, top], nice: false }, axis: { title: 'minutes', tickCount: 5 } }
  const marks = [
    { total: limit * m.thresholds.sampling, label: `sampling ${pct(m.thresholds.sampling)}: ${round(limit * m.thresholds.sampling)} min`, kind: 'sampling' },
    { total: limit * m.thresholds.pause, label: `pause ${pct(m.thresholds.pause)}: ${round(limit * m.thresholds.pause)} min`, kind: 'pause' },
    { total: limit, label: `limit ${limit} min`, kind: 'limit' }
  ]
  // The counter's label goes to the side of the point with more room.
  const early = now - m.weekStart < 3.5 * 86_400_000
  const colour = { field: 'kind', type: 'nominal' as const, scale: { domain: ['sampling', 'pause', 'limit'], range: ['#9a6700', '#cf222e', '#24292f'] }, legend: null }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: 150,
    config: CONFIG,
    layer: [
      {
        data: { values: marks },
        mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: { y, color: colour, strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['sampling', 'pause', 'limit'], range: [[6, 3], [6, 3], []] }, legend: null } }
      },
      // The limit's label above its line, the thresholds' below theirs: pause sits just under the limit.
      ...marks.map((mk) => ({
        data: { values: [mk] },
        mark: { type: 'text' as const, align: 'left' as const, baseline: mk.kind === 'limit' ? ('bottom' as const) : ('top' as const), dx: 4, dy: mk.kind === 'limit' ? -2 : 2, fontSize: 11, color: MARK_COLOUR[mk.kind as keyof typeof MARK_COLOUR] },
        encoding: { x: { value: 0 }, y, text: { field: 'label' } }
      })),
      {
        data: { values: steps },
        mark: { type: 'line', interpolate: 'step-after', color: '#0969da', strokeWidth: 2 },
        encoding: { x, y }
      },
      {
        data: { values: [{ t: now, total: counter, label: `control file: ${round(counter)} min` }] },
        layer: [
          { mark: { type: 'point', shape: 'diamond', filled: true, size: 90, color: '#24292f' }, encoding: { x, y } },
          { mark: { type: 'text', align: early ? 'left' : 'right', dx: early ? 8 : -8, dy: -10, fontSize: 11, color: '#24292f' }, encoding: { x, y, text: { field: 'label' } } }
        ]
      }
    ],
    resolve: { scale: { color: 'independent' } }
  } as TopLevelSpec
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`
}

function round(x: number): string {
  return String(Math.round(x * 10) / 10)
}
