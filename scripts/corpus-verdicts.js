// Writes test/corpus/verdicts.json: the verdict of every strict-preset rule on every resource of
// the corpus of real public files (see test/corpus/PROVENANCE.md). Run with `npm run generate`;
// review the diff before committing it: the test holds the tool to these verdicts.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinRules, verdictsOf } from '../dist/index.mjs';

const dir = new URL('../test/corpus/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
const verdicts = {};
for (const { file } of manifest) verdicts[file] = verdictsOf(readFileSync(new URL(file, dir), 'utf8'), file, builtinRules);
const path = new URL('verdicts.json', dir);
const text = `${JSON.stringify(verdicts, null, 1)}\n`;
const before = (() => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
})();
writeFileSync(path, text);
console.log(text === before ? 'test/corpus/verdicts.json is up to date' : 'test/corpus/verdicts.json regenerated');
