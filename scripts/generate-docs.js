// Regenerates the parts of the docs computed from code: the README's rule table.
// Run with `npm run generate` (builds first); test/docs.test.ts fails when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { builtinRules, withRulesTable } from '../dist/index.mjs';


const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withRulesTable(before, builtinRules);
writeFileSync(path, after);
console.log(after === before ? 'README.md is up to date' : 'README.md rules table regenerated');
