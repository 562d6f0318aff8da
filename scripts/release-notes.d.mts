// Types of scripts/release-notes.mjs, for the tests.

export type ReleaseNotes =
  | { ok: true; version: string; date: string | undefined; notes: string }
  | { ok: false; reason: string }

export declare const TAG_FORMAT: RegExp
export declare function releaseNotes(changelog: string, version: string): ReleaseNotes
export declare function checkTag(changelog: string, tag: string): ReleaseNotes
