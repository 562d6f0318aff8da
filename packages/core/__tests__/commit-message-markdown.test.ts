import { describe, test, expect } from '@jest/globals'
import { code, commitMessage, details, fenced, md, stateSubject, table } from '@batch-ops/core'

describe('commit messages', () => {
  test('subject, blank line, one trailer per known value', () => {
    expect(
      commitMessage(stateSubject('allocate batch 2026-01-05-001'), [
        ['Batch-Id', '2026-01-05-001'],
        ['Ecosystem', undefined],
        ['Batch-Ops-Action', 'preflight-check'],
        ['Run-Url', '']
      ])
    ).toBe('chore(batch): allocate batch 2026-01-05-001 [skip ci]\n\nBatch-Id: 2026-01-05-001\nBatch-Ops-Action: preflight-check\n')
  })

  test('no trailers: the subject alone', () => {
    expect(commitMessage('chore(batch): x [skip ci]')).toBe('chore(batch): x [skip ci]\n')
    expect(commitMessage('s', [['Ecosystem', '  \n ']])).toBe('s\n')
  })

  test('line breaks in a subject or trailer value are folded into one line', () => {
    expect(commitMessage('a\nb', [['Reason', 'first line\r\n  second line\n']])).toBe('a b\n\nReason: first line second line\n')
    expect(stateSubject('record\nbatch')).toBe('chore(batch): record batch [skip ci]')
  })
})

describe('markdown', () => {
  test.each([
    ['plain', 'plain'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['a|b', 'a\\|b'],
    ['line\nbreak\r\nhere', 'line break here'],
    [42, '42'],
    [true, 'true']
  ] as const)('md(%j) is %j', (text, out) => {
    expect(md(text)).toBe(out)
  })

  test.each([
    ['npm', '`npm`'],
    ['a`b', '``a`b``'],
    ['a|b\nc', '`a\\|b c`']
  ])('code(%j) is %j', (text, out) => {
    expect(code(text)).toBe(out)
  })

  test('table', () => {
    expect(table(['ecosystem', 'reason'], [[code('npm'), md('open | due')], ['pypi', '']])).toBe(
      '| ecosystem | reason |\n| --- | --- |\n| `npm` | open \\| due |\n| pypi |  |\n'
    )
    expect(table(['a'], [])).toBe('| a |\n| --- |\n')
  })

  test('details escapes its summary', () => {
    expect(details('<b>plan</b>', 'body')).toBe('<details><summary>&lt;b&gt;plan&lt;/b&gt;</summary>\n\nbody\n</details>\n')
  })

  test.each([
    ['x', '', '```\nx\n```\n'],
    ['{"a": 1}\n', 'json', '```json\n{"a": 1}\n```\n'],
    ['has ``` inside', '', '````\nhas ``` inside\n````\n']
  ])('fenced(%j, %j)', (body, lang, out) => {
    expect(fenced(body, lang)).toBe(out)
  })
})
