// Markdown for job summaries, pull request bodies and issue bodies: reviewers read these
// without the logs. Much of what they show comes from outside (an operator's reason, failure
// messages and recipe names from a batch's results, commit subjects and authors, file paths),
// so every such value goes through one of these functions and is never interpolated raw:
//
//   md(text)            prose, a heading, a blockquote or a table cell: plain readable text
//   code(text)          a name, a path, a SHA, a command: an inline code span (also in a table cell)
//   fenced(body, lang)  a whole file or a multi-line message: a fenced code block
//   link(text, url)     a link to a URL we trust (run, pull request, incident); anything but http(s) is shown as md(text)
//   details(summary, body)  a collapsed section; `summary` is plain text, `body` is Markdown built with these
//   table(head, rows)   cells must already be built with md/code/link (or be our own constant text)
//
// What "inert" means here: the text renders as the same characters to the eye, and GitHub does
// not turn it into markup, HTML, a link or image, a heading or list, a new table row or cell,
// an @-mention that notifies, or an issue/PR reference that links.

/**
 * WORD JOINER (U+2060) as an HTML entity. GitHub links `@name`, `@org/team`, `#123`,
 * `owner/repo#123` and `GH-123` after rendering, by pattern on the text, and only when the
 * character after `@`/`#`/`GH-` is a letter or digit. An invisible character there breaks the
 * pattern, so nobody is notified and nothing is linked, while the text looks the same.
 * A backslash escape does not help (`\@alice` renders as `@alice` and still pings), and neither
 * does `&#64;` (decoded before the mention filter runs). The word joiner rather than a
 * zero-width space: it adds no line-break opportunity, so `@alice` never wraps after the `@`
 * in a narrow table cell. The same joiner breaks GFM's bare-URL autolinks (`http://…`, `www.…`)
 * and e-mail autolinks. As an entity it survives editors and stays visible in the Markdown
 * source. Copying the rendered text copies the joiner too; that is the price.
 */
const JOINER = '&#8288;'

/** CommonMark line endings (`\r\n`, `\n`, a lone `\r`), plus NEL and the Unicode line and paragraph separators. */
const LINE_BREAKS = /\r\n|[\n\r\u0085\u2028\u2029]/g

/** ASCII punctuation with a meaning in (GitHub-flavoured) Markdown inline text; `$` is GitHub's math. */
const SPECIAL = /[\\`*_[\]!<>&|#~$]/g
/** The same plus parentheses, for link text (see `link`). */
const LINK_TEXT_SPECIAL = /[\\`*_[\]!<>&|#~$()]/g

/**
 * Where GitHub would see a mention, a reference or an autolink: the joiner goes right after the
 * match. It runs on escaped text, so `@`/`#` may be followed by the backslash that escapes `_`.
 */
const REFERENCE = /[@#](?=\\?[\p{L}\p{N}_])|GH-(?=\d)|:(?=\/\/)|www(?=\.)/giu

function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ')
}

/** Markdown syntax escaped, line breaks folded: no markup, no HTML, no table cell boundary. */
function escapeSyntax(text: string, special = SPECIAL): string {
  return (
    oneLine(text)
      .replace(special, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`))
      // Block markers that only count at the start of a line: a list item (`-`, `+`, `1.`, `1)`), a setext underline (`=`).
      .replace(/^([ \t]*)([-+=])/, '$1\\$2')
      .replace(/^([ \t]*\d{1,9})([.)])/, '$1\\$2')
  )
}

/** A joiner after every `@name`, `#ref`, `GH-n`, `scheme://` and `www.` (see JOINER). Runs on escaped text. */
function neutralise(escaped: string): string {
  return escaped.replace(REFERENCE, (m) => m + JOINER)
}

/** Text safe anywhere inline: in prose, a heading, a blockquote or a table cell. */
export function md(text: string | number | boolean): string {
  return neutralise(escapeSyntax(String(text)))
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/**
 * Text inside an HTML element, where Markdown is not parsed: named entities only (a numeric one
 * would have its `#` broken by `neutralise`), mentions and references broken all the same.
 */
function htmlText(text: string): string {
  return neutralise(oneLine(text).replace(/[&<>"]/g, (c) => ENTITY[c]!))
}

/**
 * An inline code span; GitHub neither mentions nor links inside one. The fence is one backtick
 * longer than the longest run of backticks in the text, so no run inside can close it, and a
 * space pads both ends when the text starts or ends with a backtick (CommonMark strips one such
 * space from each end, which also keeps text that starts and ends with a space intact).
 * Line breaks become spaces and `|` is escaped, so the span never ends a table row or cell; in a
 * table GitHub drops that backslash, elsewhere it shows. A backslash right before a `|` gets a
 * literal word joiner between the two, so every parser sees exactly one backslash before the pipe
 * (cmark-gfm escapes the pipe after any backslash, marked only after an odd number).
 */
export function code(text: string | number): string {
  const body = oneLine(String(text)).replace(/\\(?=\|)/g, '\\\u2060').replace(/\|/g, '\\|')
  if (body === '') return '` `'
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ') && /[^ ]/.test(body)) ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

/**
 * Where a state change went, for a summary: `pushed to origin/<branch> as <commit>`, and how
 * many attempts it took when the branch moved under it. Every writer names the branch, so a
 * change that landed somewhere the batches do not read is visible (docs/contract.md §3).
 */
export function pushedNote(commit: string, branch: string | undefined, attempts: number): string {
  const where = branch ? `pushed to ${code(`origin/${branch}`)}` : 'pushed'
  const retried = attempts > 1 ? ` after ${attempts} attempts (the branch moved; the change was re-applied to the new state)` : ''
  return `${where} as ${code(commit.slice(0, 12))}${retried}`
}

/**
 * A fenced code block. The fence is backticks, one longer than the longest run of backticks in
 * the body (at least three), so no line of the body can close it; a tilde run cannot close a
 * backtick fence at all. `lang` is reduced to the characters an info string needs.
 */
export function fenced(body: string, lang = ''): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const info = lang.replace(/[^\w+.-]/g, '')
  return `${fence}${info}\n${body.endsWith('\n') ? body : body + '\n'}${fence}\n`
}

/**
 * A link to an http(s) URL; anything else (another scheme, whitespace, quotes, a backslash) is
 * not linked and shows as `md(text)`. The text is escaped as by `md` (some renderers autolink a
 * URL even inside link text, which would nest a second link), parentheses too (marked stops
 * seeing a link at `](` inside the text). Use it only for URLs that we or GitHub made, or that
 * an operator gave as a link (an incident), with the URL itself as the text unless the text
 * says plainly where it goes.
 */
export function link(text: string, url: string | undefined): string {
  if (url === undefined || !/^https?:\/\/[^\s<>"'`\\\p{Cc}]+$/iu.test(url)) return md(text)
  // `&` as an entity (destinations decode entities), `|` percent-encoded (a table cell boundary otherwise),
  // and the <…> form when the URL has parentheses, which would otherwise have to balance.
  const dest = url.replace(/&/g, '&amp;').replace(/\|/g, '%7C')
  return `[${neutralise(escapeSyntax(text, LINK_TEXT_SPECIAL))}](${/[()]/.test(dest) ? `<${dest}>` : dest})`
}

/** A table. Cells are Markdown already built with `md`/`code`/`link`; a line break in one becomes a space. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(oneLine).join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n'
}

/**
 * A collapsed section. `summary` is plain text: it sits inside HTML, where Markdown escapes
 * would show, so it gets HTML entities instead. `body` is Markdown built with these functions.
 */
export function details(summary: string, body: string): string {
  return `<details><summary>${htmlText(summary)}</summary>\n\n${body}\n</details>\n`
}

/**
 * A deliberate @-mention of a GitHub login that GitHub itself reported (GITHUB_ACTOR), so that
 * the person is notified. Anything that is not a plain login (a bot, a team, stray text) is shown
 * inert, as by `md`.
 */
export function mention(login: string): string {
  return /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(login) ? `@${login}` : md(`@${login}`)
}

// ---------------------------------------------------------------------------
// Budgets: GitHub refuses a pull request, issue or comment body over 65,536 characters, and
// cuts a step's job summary at 1 MiB. A long list is shortened to fit, and the reader is told
// how much was left out and where the whole of it is.

/** The most characters GitHub accepts in a pull request, issue or comment body. */
export const BODY_LIMIT = 65_536
/** The most bytes of job summary GitHub shows for one step. */
export const SUMMARY_LIMIT = 1024 * 1024

export type Measure = (text: string) => number
export const characters: Measure = (text) => text.length
export const utf8Bytes: Measure = (text) => {
  let n = 0
  for (const ch of text) {
    const c = ch.codePointAt(0)!
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
  }
  return n
}

/** A table that may be shortened to fit: rows are dropped from the end. */
export interface TableSection {
  /** What a row is, for the note: e.g. "files". */
  noun: string
  head: readonly string[]
  rows: ReadonlyArray<readonly string[]>
}
export type Section = string | TableSection

/** Room kept for the note that says what was left out. */
const NOTE_ROOM = 400

/**
 * Joins `sections` (Markdown text, or tables) into one document of at most
 * `limit` (by `measure`). When they do not fit, tables lose rows from the end
 * and later sections are left out; a final note says how much was left out and
 * `where` the whole of it is.
 */
export function fitMarkdown(sections: readonly Section[], limit: number, where: string, measure: Measure = characters): string {
  const room = limit - NOTE_ROOM
  let out = ''
  let used = 0
  const left: string[] = []
  let sectionsLeft = 0
  const add = (text: string): boolean => {
    const n = measure(text)
    if (used + n > room) return false
    out += text
    used += n
    return true
  }
  for (const s of sections) {
    if (left.length > 0 || sectionsLeft > 0) {
      if (typeof s === 'string') sectionsLeft++
      else left.push(`${s.rows.length.toLocaleString('en')} ${s.noun}`)
      continue
    }
    if (typeof s === 'string') {
      if (!add(s.endsWith('\n') ? s : s + '\n')) sectionsLeft++
      continue
    }
    const lines = table(s.head, s.rows).split('\n')
    // A blank line before the table, so that it never continues a paragraph; then header and separator, then as many rows as fit.
    const gap = out === '' || out.endsWith('\n\n') ? '' : out.endsWith('\n') ? '\n' : '\n\n'
    if (!add(gap + lines.slice(0, 2).join('\n') + '\n')) {
      left.push(`${s.rows.length.toLocaleString('en')} ${s.noun}`)
      continue
    }
    let shown = 0
    for (const line of lines.slice(2, 2 + s.rows.length)) {
      if (!add(line + '\n')) break
      shown++
    }
    if (shown < s.rows.length) left.push(`${(s.rows.length - shown).toLocaleString('en')} of ${s.rows.length.toLocaleString('en')} ${s.noun}`)
  }
  if (left.length === 0 && sectionsLeft === 0) return out
  const parts = [...left, ...(sectionsLeft > 0 ? [`${sectionsLeft} later section${sectionsLeft === 1 ? '' : 's'}`] : [])]
  return `${out}\n_Left out to stay within GitHub's limit of ${limit.toLocaleString('en')}${measure === utf8Bytes ? ' bytes' : ' characters'}: ${parts.join(', ')}. ${where}_\n`
}

/**
 * The last resort for a document built without sections: cut at a line
 * boundary within `limit`, close a code fence left open, and say so.
 */
export function truncateMarkdown(text: string, limit: number, where: string, measure: Measure = characters): string {
  if (measure(text) <= limit) return text
  const lines = text.split('\n')
  let out = ''
  let used = 0
  let fence = ''
  let kept = 0
  for (const line of lines) {
    const n = measure(line + '\n')
    if (used + n > limit - NOTE_ROOM) break
    out += line + '\n'
    used += n
    kept++
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line)
    if (m) {
      if (fence === '') fence = m[1]!
      else if (m[1]![0] === fence[0] && m[1]!.length >= fence.length && line.trim() === m[1]) fence = ''
    }
  }
  if (fence !== '') out += fence + '\n'
  return `${out}\n_Cut to stay within GitHub's limit of ${limit.toLocaleString('en')}${measure === utf8Bytes ? ' bytes' : ' characters'}: ${(lines.length - kept).toLocaleString('en')} more lines. ${where}_\n`
}
