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
