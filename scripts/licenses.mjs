// Licence notices for a bundle: every third-party package with code in any of
// its chunks, from ncc's webpack stats (ncc's own --license misses the chunks
// that a lazy import() splits off, such as the GitHub client).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'

/** The packages (their directories) whose files are modules of the bundle. */
export function bundledPackageDirs(stats) {
  const dirs = new Set()
  // Only modules in an emitted chunk count: webpack also lists modules it left out (never imported at run time).
  const walk = (modules, inChunk = false) => {
    for (const m of modules ?? []) {
      const emitted = inChunk || (m.chunks ?? []).length > 0
      if (!emitted) continue
      walk(m.modules, true)
      // A module's identifier is its loaders, then '!', then the file (and '|' a hash for some).
      const file = String(m.identifier ?? m.name ?? '').split('!').pop().split('|')[0]
      const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`)
      if (at < 0) continue
      const rest = file.slice(at + '/node_modules/'.length).split(path.sep)
      const name = rest[0].startsWith('@') ? rest.slice(0, 2).join('/') : rest[0]
      dirs.add(file.slice(0, at + '/node_modules/'.length) + name)
    }
  }
  walk(stats.modules)
  for (const chunk of stats.chunks ?? []) walk(chunk.modules, true)
  return [...dirs]
}

const LICENCE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i

/** `name version`, licence, and the licence text of each package, sorted by name. */
export function licenceNotices(dirs) {
  const entries = dirs.map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? (pkg.licenses ?? []).map((l) => l.type).join(' OR ')) || 'UNKNOWN'
    const file = existsSync(dir) ? readdirSync(dir).sort().find((f) => LICENCE_FILE.test(f)) : undefined
    const text = file ? readFileSync(path.join(dir, file), 'utf8').replace(/\r\n/g, '\n').trim() : `(the package ships no licence file; its package.json says ${licence})`
    return { key: `${pkg.name}@${pkg.version}`, block: `${pkg.name} ${pkg.version}\n${licence}\n${text}\n` }
  })
  const unique = new Map(entries.map((e) => [e.key, e.block]))
  return [...unique.keys()].sort().map((k) => unique.get(k)).join('\n')
}
