// Regenerates what the docs compute from code: docs/rules.md (every rule, from the rules' metadata)
// and the policy JSON Schema. Run with `npm run generate` (builds first); tests fail when either is
// stale.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinRules, policyJsonSchema, renderRulesDoc } from '../dist/index.mjs';

const write = (relative, text) => {
  const path = new URL(`../${relative}`, import.meta.url);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  writeFileSync(path, text);
  console.log(text === before ? `${relative} is up to date` : `${relative} regenerated`);
};

write('docs/rules.md', renderRulesDoc(builtinRules));
write('policies/policy.schema.json', `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
