// The docs stand alone: every relative link in README.md and docs/ resolves to a file in the
// repository, and nothing points outside it (the spec folder beside the clone, design sections).
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown links and images `[x](target)`, and reference definitions `[x]: target`. */
export function linksOf(text: string): string[] {
  const out: string[] = [];
  const noCode = text.replace(/```[\s\S]*?```/g, '');
  for (const m of noCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  for (const m of noCode.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) out.push(m[1]!);
  return out;
}

/** Relative links that do not resolve, as "file → target". */
export function brokenLinks(root: string, list: string[]): string[] {
  const broken: string[] = [];
  for (const f of list) {
    for (const link of linksOf(readFileSync(join(root, f), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) continue; // http:, mailto:, in-page
      const path = decodeURIComponent(link.split('#')[0]!);
      const target = resolve(dirname(join(root, f)), path);
      if (!existsSync(target) || relative(root, target).startsWith('..')) broken.push(`${f} → ${link}`);
    }
  }
  return broken;
}

describe('docs stand alone', () => {
  it('every relative link in README and docs/ resolves inside the repository', () => {
    expect(files.length).toBeGreaterThan(3);
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });

  it('the check itself finds a link that does not resolve, and one that leaves the repository', () => {
    const sample = '[ok](../README.md) [guide](使用手册.md#二角色) [gone](NOPE.md) [out](../../shared/DESIGN.md) [web](https://example.org) `[code](x.md)`';
    expect(linksOf(sample)).toEqual(['../README.md', '使用手册.md#二角色', 'NOPE.md', '../../shared/DESIGN.md', 'https://example.org', 'x.md']);
    // a repository of its own, beside a spec folder that a clone would not have
    const base = mkdtempSync(join(tmpdir(), 'fupin-docs-'));
    const root = join(base, 'repo');
    mkdirSync(join(root, 'docs'), { recursive: true });
    mkdirSync(join(base, 'shared'));
    writeFileSync(join(base, 'shared', 'DESIGN.md'), '');
    writeFileSync(join(root, 'README.md'), '');
    writeFileSync(join(root, 'docs', '使用手册.md'), '');
    writeFileSync(join(root, 'docs', 'sample.md'), sample.replace(' `[code](x.md)`', ''));
    expect(brokenLinks(root, ['docs/sample.md'])).toEqual(['docs/sample.md → NOPE.md', 'docs/sample.md → ../../shared/DESIGN.md']);
  });

  it('refers to nothing outside the repository: no spec folder, no design sections, no tracker issues', () => {
    const outside = /\.\.\/shared|\bDESIGN(\.md| ?§)|\bFEISHU\.md|\bSTACK\.md|\bSTYLE\.md|\bissue \d+/;
    const found = files.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ f, i: i + 1, line }))
        .filter((x) => outside.test(x.line))
        .map((x) => `${x.f}:${x.i}: ${x.line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('the operating guide for the office and the cadres is in docs/, in Chinese, and names the roles, stages and commands', () => {
    const guide = readFileSync(join(ROOT, 'docs/使用手册.md'), 'utf8');
    for (const word of ['乡扶贫办', '包片领导', '乡纪委', '驻村干部', '第一书记', '村干部', '帮扶责任人', '资格复审', '评议公示', '乡审核', '上报存档', '绑定', '进度', '比对', '每日进度', '逾期通报']) {
      expect(guide).toContain(word);
    }
  });
});
