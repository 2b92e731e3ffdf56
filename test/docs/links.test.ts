// The documentation holds together: every relative link resolves (the file exists, and its `#anchor`
// is a heading there, as GitHub spells anchors), every table of contents lists its page's sections,
// and the README stays a page for users.
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';
import { doc, docFiles, docSection, headingAnchors, headingSlug } from '../helpers/docs.js';

const README_MAX_BYTES = 15 * 1024;

/** The links of a Markdown text, fenced blocks and code spans left out: `[text](target)`. */
function links(text: string): string[] {
  const prose = text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('the documentation', () => {
  it('has the pages it promises', () => {
    expect(docFiles()).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/rules.md', 'docs/policies.md', 'docs/lambda.md', 'docs/organization.md', 'docs/performance.md']));
  });

  it.each(docFiles())('%s: every relative link resolves, anchors included', (file) => {
    const broken: string[] = [];
    for (const link of links(doc(file))) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // https:, mailto:
      const [path = '', anchor] = link.split('#', 2) as [string, string | undefined];
      const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (target.startsWith('..') || !existsSync(join(root, target))) {
        broken.push(`${link}: ${target} does not exist`);
        continue;
      }
      if (anchor !== undefined) {
        if (!target.endsWith('.md')) broken.push(`${link}: an anchor into a file that is not Markdown`);
        else if (!headingAnchors(doc(target)).has(anchor)) broken.push(`${link}: ${target} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(docFiles().filter((file) => doc(file).includes('\n## Contents\n')))('%s: the table of contents lists every section', (file) => {
    const contents = docSection(file, '## Contents');
    const sections = [...doc(file).replace(/^```[\s\S]*?^```/gm, '').matchAll(/^## (.+)$/gm)].map((m) => m[1]!).filter((h) => h !== 'Contents');
    expect(sections.filter((heading) => !contents.includes(`(#${headingSlug(heading)})`))).toEqual([]);
  });

  it(`keeps the README within ${README_MAX_BYTES} bytes`, () => {
    expect(Buffer.byteLength(doc('README.md'))).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  it('keeps the hand-kept rule catalog gone: docs/rules.md is the one rule reference', () => {
    expect(existsSync(join(root, 'docs/rule-catalog.md'))).toBe(false);
  });
});

describe('GitHub heading anchors', () => {
  it.each([
    ['Permissions (IAM)', 'permissions-iam'],
    ['`ecs-admission check <file|dir|->...`', 'ecs-admission-check-filedir-'],
    ['`ecs-admission redrive --queue-url <url>`', 'ecs-admission-redrive---queue-url-url'],
    ['Alerts: subscribe a team, connect Slack', 'alerts-subscribe-a-team-connect-slack'],
    ['The Lambda and the sweep (`bench/lambda.js`, `bench/sweep.js`, against moto server)', 'the-lambda-and-the-sweep-benchlambdajs-benchsweepjs-against-moto-server'],
  ])('%s → #%s', (heading, slug) => {
    expect(headingSlug(heading)).toBe(slug);
  });

  it('numbers repeated headings as GitHub does', () => {
    expect([...headingAnchors('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });
});
