import { describe, test, expect } from '@jest/globals'
import { ECOSYSTEM_PATTERN, checkEcosystemNames, closestEcosystem, parseList } from '@batch-ops/core'

const KNOWN = ['homebrew', 'cask', 'crates.io', 'npm', 'pypi', 'rubygems', 'github', 'default']

describe('parseList', () => {
  test.each([
    ['newline-separated', 'npm\npypi', ['npm', 'pypi']],
    ['comma-separated', 'npm,pypi,crates.io', ['npm', 'pypi', 'crates.io']],
    ['both, with spaces', ' npm , pypi\n crates.io \n', ['npm', 'pypi', 'crates.io']],
    ['CRLF', 'npm\r\npypi\r\n', ['npm', 'pypi']],
    ['blank entries dropped', '\n\nnpm,, ,\n\t\n,pypi,', ['npm', 'pypi']],
    ['empty', '', []],
    ['only separators', ' ,\n, ', []],
    ['duplicates removed, first kept', 'pypi\nnpm,pypi,npm\nnpm', ['pypi', 'npm']],
    ['case is kept', 'Homebrew', ['Homebrew']]
  ])('%s', (_name, raw, list) => {
    expect(parseList(raw)).toEqual(list)
  })
})

describe('checkEcosystemNames', () => {
  test.each([
    ['known names', ['npm', 'crates.io', 'homebrew']],
    ['a brand-new well-formed name', ['hackage']],
    ['other real ecosystems', ['maven', 'nuget', 'cargo', 'go', 'conda', 'cpan']],
    ['new names with every allowed character', ['go-modules', 'my_eco.v2', '0install']],
    ['nothing', []],
    ['a name two edits from a known one (gitlab is not a typo of github)', ['gitlab']]
  ])('accepts %s', (_name, names) => {
    expect(checkEcosystemNames(names, KNOWN)).toEqual([])
  })

  test.each([
    ['"Homebrew"', 'Homebrew', '"Homebrew" is not a valid ecosystem name (lower case letters, digits, \'.\', \'_\' or \'-\'); did you mean "homebrew"?'],
    ['"Crates.IO"', 'Crates.IO', '"Crates.IO" is not a valid ecosystem name (lower case letters, digits, \'.\', \'_\' or \'-\'); did you mean "crates.io"?'],
    ['"NPM"', 'NPM', '"NPM" is not a valid ecosystem name (lower case letters, digits, \'.\', \'_\' or \'-\'); did you mean "npm"?'],
    ['a name with a space', 'my eco', '"my eco" is not a valid ecosystem name (lower case letters, digits, \'.\', \'_\' or \'-\')'],
    ['a name starting with a dash', '-x', '"-x" is not a valid ecosystem name (lower case letters, digits, \'.\', \'_\' or \'-\')'],
    ['a name of 65 characters', 'a'.repeat(65), `"${'a'.repeat(65)}" is not a valid ecosystem name (lower case letters, digits, '.', '_' or '-')`],
    ['"crates-io"', 'crates-io', 'unknown ecosystem "crates-io"; did you mean "crates.io"?'],
    ['"cratesio"', 'cratesio', 'unknown ecosystem "cratesio"; did you mean "crates.io"?'],
    ['"homebrw"', 'homebrw', 'unknown ecosystem "homebrw"; did you mean "homebrew"?'],
    ['"rubygem"', 'rubygem', 'unknown ecosystem "rubygem"; did you mean "rubygems"?'],
    ['"pypy"', 'pypy', 'unknown ecosystem "pypy"; did you mean "pypi"?']
  ])('refuses %s', (_name, name, error) => {
    expect(checkEcosystemNames([name], KNOWN)).toEqual([error])
  })

  test('one error per bad name, in order', () => {
    const errors = checkEcosystemNames(['npm', 'Homebrew', 'hackage', 'crates-io'], KNOWN)
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(/^"Homebrew" is not a valid/)
    expect(errors[1]).toMatch(/^unknown ecosystem "crates-io"/)
  })

  test('with no known names, every well-formed name is accepted', () => {
    expect(checkEcosystemNames(['crates-io', 'homebrw'], [])).toEqual([])
  })
})

describe('closestEcosystem', () => {
  test.each([
    ['npm', undefined],
    ['Homebrew', 'homebrew'],
    ['crates_io', 'crates.io'],
    ['hackage', undefined],
    ['maven', undefined],
    ['nuget', undefined],
    ['cargo', undefined],
    ['githib', 'github'],
    ['ab', undefined]
  ])('%s → %s', (name, hint) => {
    expect(closestEcosystem(name, KNOWN)).toBe(hint)
  })
})

describe('ECOSYSTEM_PATTERN', () => {
  test.each([
    ['crates.io', true],
    ['a', true],
    ['0', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['.a', false],
    ['A', false],
    ['a/b', false]
  ])('%s → %s', (name, ok) => {
    expect(ECOSYSTEM_PATTERN.test(name)).toBe(ok)
  })
})
