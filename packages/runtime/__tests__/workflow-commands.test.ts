import { escapeData, escapeProperty, formatCommand, inputVariable, outputBlock, readInput } from '@batch-ops/runtime'

describe('workflow commands', () => {
  test.each([
    ['plain', 'all good', 'all good'],
    ['percent first, so escapes are not escaped again', '100%\n', '100%25%0A'],
    ['CR and LF', 'a\r\nb', 'a%0D%0Ab'],
    ['colons and commas are fine in a message', 'a: b, c', 'a: b, c']
  ])('escapeData: %s', (_n, input, out) => expect(escapeData(input)).toBe(out))

  test.each([
    ['colon and comma', 'a:b,c', 'a%3Ab%2Cc'],
    ['newline in a file name', 'x\ny', 'x%0Ay']
  ])('escapeProperty: %s', (_n, input, out) => expect(escapeProperty(input)).toBe(out))

  test('an annotation pointing into a file: file and line first when there is no title', () => {
    expect(formatCommand('error', { file: 'batch-control.json', line: 12, col: 7 }, 'bad\nstate')).toBe('::error file=batch-control.json,line=12,col=7::bad%0Astate')
    expect(formatCommand('warning', { title: 'a, b' }, 'x')).toBe('::warning title=a%2C b::x')
    expect(formatCommand('add-mask', {}, 's3cr3t')).toBe('::add-mask::s3cr3t')
  })

  test('inputs: INPUT_ + upper case, spaces as _, hyphens kept; values trimmed', () => {
    expect(inputVariable('control-file')).toBe('INPUT_CONTROL-FILE')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
    expect(readInput('max-attempts', { 'INPUT_MAX-ATTEMPTS': '  8 \n' })).toBe('8')
    expect(readInput('max-attempts', { INPUT_MAX_ATTEMPTS: '8' })).toBe('')
  })

  test('an output block survives multi-line values and uses a fresh delimiter', () => {
    const a = outputBlock('report', 'line 1\nline 2')
    const b = outputBlock('report', 'x')
    const m = /^report<<(ghadelimiter_[0-9a-f-]{36})\n(.*)\n\1\n$/s.exec(a)
    expect(m?.[2]).toBe('line 1\nline 2')
    expect(b.split('\n')[0]).not.toBe(a.split('\n')[0])
  })
})
