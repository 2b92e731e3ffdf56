// Writes test/corpus/verdicts.json and test/corpus/terraform-verdicts.json: the verdict of every
// strict-preset rule on every resource of the corpus of real public files (see
// test/corpus/PROVENANCE.md and test/corpus/terraform/PROVENANCE.md). Run with `npm run generate`;
// review the diff before committing it: the tests hold the tool to these verdicts.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { builtinRules, moduleFileReader, verdictsOf, verdictsOfModule } from '../dist/index.mjs';

const dir = new URL('../test/corpus/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
const verdicts = {};
for (const { file } of manifest) verdicts[file] = verdictsOf(readFileSync(new URL(file, dir), 'utf8'), file, builtinRules);
write(new URL('verdicts.json', dir), verdicts);

// Terraform: a plan is one file; a module is its directory's .tf files, loaded together, reading
// the files they name with file() and templatefile() as `check` does (within the module's parent).
const terraformDir = fileURLToPath(new URL('terraform/', dir));
const terraform = JSON.parse(readFileSync(join(terraformDir, 'manifest.json'), 'utf8'));
const readModuleFile = moduleFileReader(1 << 20);
const terraformVerdicts = {};
for (const entry of terraform) {
  if (entry.kind === 'terraform-plan') {
    terraformVerdicts[entry.file] = verdictsOf(readFileSync(join(terraformDir, entry.file), 'utf8'), entry.file, builtinRules);
    continue;
  }
  const files = entry.files
    .filter(({ name }) => /\.tf$/.test(name))
    .map(({ name }) => ({ source: `${entry.file}/${name}`, text: readFileSync(join(terraformDir, entry.file, name), 'utf8') }));
  terraformVerdicts[entry.file] = await verdictsOfModule(files, builtinRules, (module, path) => readModuleFile(join(terraformDir, module), path));
}
write(new URL('terraform-verdicts.json', dir), terraformVerdicts);

function write(path, value) {
  const text = `${JSON.stringify(value, null, 1)}\n`;
  let before = '';
  try {
    before = readFileSync(path, 'utf8');
  } catch {
    // first run
  }
  writeFileSync(path, text);
  const name = fileURLToPath(path).split('/test/')[1];
  console.log(text === before ? `test/${name} is up to date` : `test/${name} regenerated`);
}
