import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dom0SourcesList,
  parseDeb822Sources,
  parseOneLineSources,
  pickMirrors,
  readHostSources,
} from '../src/apt-sources.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('parseDeb822Sources', () => {
  it('expands every URI x suite of a Debian 12 debian.sources', () => {
    const s = parseDeb822Sources(DEB822, 'debian.sources');
    expect(s.map((x) => `${x.uri} ${x.suite}`)).toEqual([
      'http://deb.debian.org/debian bookworm',
      'http://deb.debian.org/debian bookworm-updates',
      'http://deb.debian.org/debian-security bookworm-security',
    ]);
    expect(s[0]?.components).toEqual(['main']);
    expect(s[0]?.file).toBe('debian.sources');
  });

  it('skips disabled and deb-src-only stanzas, joins continuation lines, strips slashes', () => {
    const text = `Types: deb-src
URIs: http://src.example/debian
Suites: bookworm
Components: main

Enabled: no
Types: deb
URIs: http://off.example/debian
Suites: bookworm
Components: main

Types: deb deb-src
URIs: http://a.example/debian/
 http://b.example/debian
Suites: bookworm
Components: main contrib
`;
    const s = parseDeb822Sources(text);
    expect(s.map((x) => x.uri)).toEqual(['http://a.example/debian', 'http://b.example/debian']);
    expect(s[1]?.components).toEqual(['main', 'contrib']);
  });
});

describe('parseOneLineSources', () => {
  it('reads deb lines with options and ignores deb-src and comments', () => {
    const text = `# a comment
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://mirror.example/debian/ bookworm main contrib
deb-src http://mirror.example/debian bookworm main
deb http://security.example/debian-security bookworm-security main # trailing
   
deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main`;
    const s = parseOneLineSources(text, 'sources.list');
    expect(s).toEqual([
      {
        uri: 'http://mirror.example/debian',
        suite: 'bookworm',
        components: ['main', 'contrib'],
        file: 'sources.list',
      },
      {
        uri: 'http://security.example/debian-security',
        suite: 'bookworm-security',
        components: ['main'],
        file: 'sources.list',
      },
      {
        uri: 'https://packages.cloud.google.com/apt',
        suite: 'cloud-sdk-bookworm',
        components: ['main'],
        file: 'sources.list',
      },
    ]);
  });
});

describe('pickMirrors', () => {
  it('finds the release and security mirrors', () => {
    const m = pickMirrors(parseDeb822Sources(DEB822));
    expect(m).toEqual({
      release: 'bookworm',
      main: 'http://deb.debian.org/debian',
      security: 'http://deb.debian.org/debian-security',
    });
    expect(dom0SourcesList(m)).toBe(
      'deb http://deb.debian.org/debian bookworm main\n' +
        'deb http://deb.debian.org/debian bookworm-updates main\n' +
        'deb http://deb.debian.org/debian-security bookworm-security main\n',
    );
  });

  it('says what is missing and which files were read', () => {
    const only = parseOneLineSources(
      'deb http://m.example/debian bookworm main',
      '/etc/apt/sources.list',
    );
    expect(() => pickMirrors(only)).toThrow(/bookworm-security.*\/etc\/apt\/sources\.list/);
    expect(() => pickMirrors([])).toThrow(
      /no 'deb' source for suite 'bookworm'.*no apt source files found/,
    );
  });
});

describe('readHostSources', () => {
  it('reads sources.list, *.list and *.sources, and ignores other files', () => {
    const root = mkdtempSync(join(tmpdir(), 'lab-apt-'));
    mkdirSync(join(root, 'sources.list.d'));
    writeFileSync(join(root, 'sources.list'), 'deb http://one.example/debian bookworm main\n');
    writeFileSync(join(root, 'sources.list.d', 'debian.sources'), DEB822);
    writeFileSync(
      join(root, 'sources.list.d', 'extra.list'),
      'deb http://two.example/x stable main\n',
    );
    writeFileSync(
      join(root, 'sources.list.d', 'node.sources.disabled-by-farm'),
      'Types: deb\nURIs: http://three.example\nSuites: nodistro\nComponents: main\n',
    );
    const uris = readHostSources(root).map((s) => s.uri);
    expect(uris).toContain('http://one.example/debian');
    expect(uris).toContain('http://two.example/x');
    expect(uris).toContain('http://deb.debian.org/debian-security');
    expect(uris).not.toContain('http://three.example');
    // sources.list comes first, so its mirror wins for 'bookworm'.
    expect(pickMirrors(readHostSources(root)).main).toBe('http://one.example/debian');
  });
});
