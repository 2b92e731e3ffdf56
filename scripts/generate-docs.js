// Regenerates what the docs compute from code: the README's rule table and the policy JSON
// Schema. Run with `npm run generate` (builds first); tests fail when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinRules, policyJsonSchema, withRulesTable } from '../dist/index.mjs';

const write = (relative, text) => {
  const path = new URL(`../${relative}`, import.meta.url);
  const before = readFileSync(path, 'utf8');
  writeFileSync(path, text);
  console.log(text === before ? `${relative} is up to date` : `${relative} regenerated`);
};

write('README.md', withRulesTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'), builtinRules));
write('policies/policy.schema.json', `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
