// Commits built from git objects, never from a checkout: the working tree and
// the real index are never touched, and only the named paths change.
//
// Objects go through long-running git processes (cat-file --batch to read,
// hash-object --stdin-paths for blobs, mktree --batch for trees) instead of one
// git process per object: under load, starting git is what takes the time, and
// the store runs this between its fetch and its push, where every millisecond
// is a chance for another writer to move the branch (docs/contract.md §3).

import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { GitProcess, git } from './git.js'

export interface Identity {
  name: string
  email: string
}

export const BOT: Identity = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' }

/** A path set to a blob already in the object store, or removed. */
export type IndexEntry = { path: string; mode: string; blob: string } | { path: string; remove: true }

/** Writes `content` as a blob and returns its ID (one git process; a GitObjects session writes many through one). */
export async function writeBlob(root: string, content: string): Promise<string> {
  return (await git(['hash-object', '-w', '--stdin'], { cwd: root, input: content })).stdout.trim()
}

/** A tree entry. Names are kept as git stores them: their bytes, one char per byte (latin1). */
interface TreeItem {
  mode: string
  oid: string
}
type Tree = Map<string, TreeItem>

type Kind = 'blob' | 'tree' | 'commit'

function kindOf(mode: string): Kind {
  const type = parseInt(mode, 8) & 0o170000
  return type === 0o040000 ? 'tree' : type === 0o160000 ? 'commit' : 'blob'
}

/** A path's bytes as latin1 chars, the form tree names are kept in here: names that are not UTF-8 survive a rewrite byte for byte. */
function asBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1')
}

const OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const MODE = /^[0-7]{5,6}$/

/** The components of a repository-relative path; refuses what git would not store. */
/** A tree entry's mode says symbolic link (by its type bits, whatever its spelling). */
function isSymlink(mode: string): boolean {
  return (parseInt(mode, 8) & 0o170000) === 0o120000
}

/** A committed symbolic link where a state file, or a directory on the way to it, should be. */
function symlinkError(file: string, parts: string[], commit: string): Error {
  const shown = Buffer.from(parts.join('/'), 'latin1').toString('utf8')
  const isFile = shown === file
  return new Error(
    `${shown} is a symbolic link in commit ${commit.slice(0, 12)}${isFile ? '' : ` (on the way to ${file})`}; batch-ops does not follow symbolic links for its state files. ` +
      `Replace it with a regular ${isFile ? 'file' : 'directory'} (git rm ${shown}, commit, push), or point the input at another path.`
  )
}

function components(file: string): string[] {
  const parts = file.split('/')
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git' || p.includes('\0')) {
      throw new Error(`invalid path ${JSON.stringify(file)}: git cannot store it`)
    }
  }
  return parts.map(asBytes)
}

interface Edit {
  parts: string[]
  item: TreeItem | null
}

/**
 * Reads and writes objects of the repository at `root` through long-running
 * git processes, started when first needed. close() ends them.
 */
export class GitObjects {
  private cat: GitProcess | undefined
  private hasher: GitProcess | undefined
  private treeMaker: GitProcess | undefined
  private readonly trees = new Map<string, Tree>()
  private readonly rootTrees = new Map<string, string>()
  private tmp: Promise<string> | undefined
  private blobs = 0

  constructor(readonly root: string) {}

  /** Starts the processes now (before a race window, say) rather than at their first use. */
  prepare(): void {
    this.reader()
    this.blobWriter()
    this.treeWriter()
  }

  private reader(): GitProcess {
    return (this.cat ??= new GitProcess(['cat-file', '--batch'], { cwd: this.root }))
  }

  private blobWriter(): GitProcess {
    // --no-filters: the content as given, as `hash-object --stdin` writes it (no attributes, no EOL conversion).
    return (this.hasher ??= new GitProcess(['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd: this.root }))
  }

  private treeWriter(): GitProcess {
    // --missing: do not look up every entry of every tree written (the untouched ones come from a tree
    // git wrote; in a partial clone, looking them up would fetch them one by one). commit() checks what it adds.
    return (this.treeMaker ??= new GitProcess(['mktree', '-z', '--missing', '--batch'], { cwd: this.root }))
  }

  /** An object by name (an object ID, or `<commit>^{tree}`): its ID, type and content; null when there is none. */
  private object(name: string): Promise<{ oid: string; type: string; data: Buffer } | null> {
    return this.reader().request(`${name}\n`, async (reply) => {
      const header = (await reply.line()).toString('latin1').split(' ')
      if (header.length === 2 && header[1] === 'missing') return null
      const [oid = '', type = '', size = ''] = header
      if (header.length !== 3 || !OID.test(oid) || !/^\d+$/.test(size)) throw new Error(`git cat-file --batch answered ${JSON.stringify(header.join(' '))} for ${name}`)
      const data = await reply.bytes(Number(size))
      await reply.bytes(1) // the newline after the content
      return { oid, type, data }
    })
  }

  private async tree(oid: string): Promise<Tree> {
    const known = this.trees.get(oid)
    if (known) return known
    const obj = await this.object(oid)
    if (!obj || obj.type !== 'tree') throw new Error(`tree ${oid} is not in the repository at ${this.root}`)
    const tree = parseTree(obj.data, oid.length / 2, oid)
    this.trees.set(oid, tree)
    return tree
  }

  /** The ID of `commit`'s tree. */
  private async rootTree(commit: string): Promise<string> {
    const known = this.rootTrees.get(commit)
    if (known) return known
    if (!OID.test(commit)) throw new Error(`not a full commit ID: ${JSON.stringify(commit)}`)
    const obj = await this.object(`${commit}^{tree}`)
    if (!obj) throw new Error(`commit ${commit} is not in the repository at ${this.root}`)
    this.trees.set(obj.oid, parseTree(obj.data, obj.oid.length / 2, obj.oid))
    this.rootTrees.set(commit, obj.oid)
    return obj.oid
  }

  /**
   * The file at `file` (repository-relative) in `commit`, as UTF-8 text; null when
   * there is none. Throws when the path is a directory or a submodule.
   */
  async readFile(commit: string, file: string): Promise<string | null> {
    const parts = components(file)
    let tree = await this.tree(await this.rootTree(commit))
    for (const [i, name] of parts.slice(0, -1).entries()) {
      const e = tree.get(name)
      if (!e) return null
      if (isSymlink(e.mode)) throw symlinkError(file, parts.slice(0, i + 1), commit)
      if (kindOf(e.mode) !== 'tree') {
        const shown = Buffer.from(parts.slice(0, i + 1).join('/'), 'latin1').toString('utf8')
        throw new Error(`${shown} is a file in commit ${commit.slice(0, 12)}, so ${file} cannot be a state file under it. Move or remove ${shown}, or point the input at another path.`)
      }
      tree = await this.tree(e.oid)
    }
    const e = tree.get(parts[parts.length - 1]!)
    if (!e) return null
    if (isSymlink(e.mode)) throw symlinkError(file, parts, commit)
    const kind = kindOf(e.mode)
    if (kind !== 'blob') throw new Error(`${file} is ${kind === 'tree' ? 'a directory' : 'a git commit (a submodule)'} in commit ${commit.slice(0, 12)}, not a file`)
    const blob = await this.object(e.oid)
    if (!blob || blob.type !== 'blob') throw new Error(`${file} in commit ${commit.slice(0, 12)} names blob ${e.oid}, which is not in the repository at ${this.root}`)
    return blob.data.toString('utf8')
  }

  /** Writes `content` as a blob; returns its ID. */
  async writeBlob(content: string): Promise<string> {
    this.tmp ??= mkdtemp(path.join(tmpdir(), 'batch-ops-blobs-'))
    const file = path.join(await this.tmp, `blob-${++this.blobs}`)
    await writeFile(file, content)
    try {
      return (await this.blobWriter().request(`${file}\n`, (reply) => reply.line())).toString('latin1')
    } finally {
      await unlink(file).catch(() => undefined)
    }
  }

  private async writeTree(tree: Tree): Promise<string> {
    let input = ''
    for (const [name, e] of tree) input += `${e.mode} ${kindOf(e.mode)} ${e.oid}\t${name}\0`
    const oid = (await this.treeWriter().request(Buffer.from(`${input}\0`, 'latin1'), (reply) => reply.line())).toString('latin1')
    this.trees.set(oid, tree)
    return oid
  }

  /**
   * The tree `oid` (null: none) with the edits below `depth` applied; null when
   * that leaves it empty (git stores no empty directories). Unchanged trees are
   * not written again. Like the index: a removal takes out a file or a
   * submodule, never a directory; a file replaces a directory and the other way round.
   */
  private async rewrite(oid: string | null, edits: Edit[], depth: number): Promise<string | null> {
    const tree: Tree = new Map(oid === null ? [] : await this.tree(oid))
    let changed = false
    const below = new Map<string, Edit[]>()
    for (const edit of edits) {
      const name = edit.parts[depth]!
      if (edit.parts.length > depth + 1) {
        const list = below.get(name)
        if (list) list.push(edit)
        else below.set(name, [edit])
        continue
      }
      const old = tree.get(name)
      if (edit.item === null) {
        if (old && kindOf(old.mode) !== 'tree') {
          tree.delete(name)
          changed = true
        }
      } else if (!old || old.mode !== edit.item.mode || old.oid !== edit.item.oid) {
        tree.set(name, edit.item)
        changed = true
      }
    }
    for (const [name, inner] of below) {
      const old = tree.get(name)
      const dir = old !== undefined && kindOf(old.mode) === 'tree' ? old.oid : null
      const sub = await this.rewrite(dir, inner, depth + 1)
      if (sub === dir) continue
      if (sub === null) tree.delete(name)
      else tree.set(name, { mode: '40000', oid: sub })
      changed = true
    }
    if (!changed) return oid
    return tree.size === 0 ? null : this.writeTree(tree)
  }

  /**
   * A commit on top of `base` (its tree with `entries` applied), with `message`,
   * authored and committed by `who`. Returns the commit and its tree.
   */
  async commit(base: string, entries: readonly IndexEntry[], message: string, who: Identity = BOT): Promise<{ commit: string; tree: string }> {
    const byPath = new Map<string, Edit>()
    for (const e of entries) {
      if (!('remove' in e) && (!MODE.test(e.mode) || !OID.test(e.blob))) throw new Error(`invalid entry for ${e.path}: mode ${JSON.stringify(e.mode)}, object ${JSON.stringify(e.blob)}`)
      // A later entry for the same path wins, as with update-index.
      byPath.set(e.path, { parts: components(e.path), item: 'remove' in e ? null : { mode: e.mode, oid: e.blob } })
    }
    // Two files where one would be the other's directory; a removal beside them takes out a file only.
    for (const [p, edit] of byPath) {
      if (edit.item === null) continue
      for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
        if (byPath.get(p.slice(0, i))?.item) throw new Error(`${p.slice(0, i)} cannot be both a file and the directory of ${p} in one commit`)
      }
    }
    const tree = (await this.rewrite(await this.rootTree(base), [...byPath.values()], 0)) ?? (await this.writeTree(new Map()))
    const ident = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email }
    const commit = (await git(['commit-tree', tree, '-p', base, '-F', '-'], { cwd: this.root, env: ident, input: message })).stdout.trim()
    return { commit, tree }
  }

  /** Ends the git processes and removes the temporary files. */
  async close(): Promise<void> {
    await Promise.all([this.cat?.close(), this.hasher?.close(), this.treeMaker?.close()])
    if (this.tmp) await rm(await this.tmp, { recursive: true, force: true })
  }
}

/** A tree object's entries: `<mode> SP <name> NUL <raw object ID>`, repeated. */
function parseTree(data: Buffer, rawLength: number, oid: string): Tree {
  const tree: Tree = new Map()
  let i = 0
  while (i < data.length) {
    const space = data.indexOf(0x20, i)
    const nul = space < 0 ? -1 : data.indexOf(0, space + 1)
    if (nul < 0 || nul + 1 + rawLength > data.length) throw new Error(`tree ${oid} cannot be read: it is malformed`)
    tree.set(data.toString('latin1', space + 1, nul), { mode: data.toString('latin1', i, space), oid: data.toString('hex', nul + 1, nul + 1 + rawLength) })
    i = nul + 1 + rawLength
  }
  return tree
}

/** Refuses entries whose object is not in the repository, or is not what their mode says (submodule commits may be absent). */
async function checkObjects(root: string, entries: readonly IndexEntry[]): Promise<void> {
  const wanted = entries.filter((e): e is Extract<IndexEntry, { blob: string }> => !('remove' in e) && kindOf(e.mode) !== 'commit')
  if (wanted.length === 0) return
  const { stdout } = await git(['cat-file', '--batch-check'], { cwd: root, input: wanted.map((e) => `${e.blob}\n`).join('') })
  const answers = stdout.split('\n')
  for (const [i, e] of wanted.entries()) {
    const [oid, type] = (answers[i] ?? '').split(' ')
    if (oid !== e.blob || type !== kindOf(e.mode)) {
      throw new Error(`cannot commit ${e.path}: object ${e.blob} is ${type === 'missing' || !type ? 'not in the repository' : `a ${type}`}, and mode ${e.mode} needs a ${kindOf(e.mode)}`)
    }
  }
}

/**
 * A commit on top of `base` (its tree with `entries` applied), with `message`,
 * authored and committed by `who`. Returns the commit and its tree. Every object
 * an entry names must be in the repository.
 */
export async function commitEntries(root: string, base: string, entries: readonly IndexEntry[], message: string, who: Identity = BOT): Promise<{ commit: string; tree: string }> {
  await checkObjects(root, entries)
  const commit = OID.test(base) ? base : (await git(['rev-parse', '--verify', '--end-of-options', `${base}^{commit}`], { cwd: root })).stdout.trim()
  const objects = new GitObjects(root)
  try {
    return await objects.commit(commit, entries, message, who)
  } finally {
    await objects.close()
  }
}
