// Markdown for job summaries: reviewers read these without the logs.

/** Text safe inside a table cell or a line: no HTML, no pipes, no line breaks. */
export function md(text: string | number | boolean): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``
}

/** A table; cells are escaped unless already built with `code`/`md` (pass raw: true). */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n'
}

export function details(summary: string, body: string): string {
  return `<details><summary>${md(summary)}</summary>\n\n${body}\n</details>\n`
}

export function fenced(body: string, lang = ''): string {
  const fence = body.includes('```') ? '~~~~' : '```'
  return `${fence}${lang}\n${body.endsWith('\n') ? body : body + '\n'}${fence}\n`
}
