// The deploy steps as a reader runs them, in the README (in short) and in docs/deploy.md: one Region
// throughout, policy paths that exist in the repository, the kill switch command naming the parameter
// the stack creates, every deployment parameter documented. (The local recipe of docs/lambda.md runs
// for real in invoke-local.moto.test.ts.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocuments } from '../../src/input/parse.js';
import { root } from '../helpers/cli.js';
import { doc, docFiles, docSection, markdownTable, shellCommands } from '../helpers/docs.js';
import { packageService, type Template } from '../helpers/serverless-package.js';

const REGION = 'eu-west-1';
/** The deploy sections: the README's five steps, and docs/deploy.md whole. */
const deploySections = () => [docSection('README.md', '## Deploy in five steps'), doc('docs/deploy.md')];
const deploySteps = () => deploySections().flatMap(shellCommands);

let template: Template;
beforeAll(async () => {
  template = (await packageService()).template;
}, 120_000);

describe('the deploy steps', () => {
  it('name the same Region in every command', () => {
    const commands = deploySteps().filter((c) => /^(npx serverless|aws) /.test(c));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const command of commands) expect(command, command).toContain(`--region ${REGION}`);
    // Prose commands too (`npx serverless remove --region …`, `aws dynamodb delete-table …`).
    for (const section of deploySections())
      for (const [command] of section.matchAll(/`(npx serverless|aws) [^`]+`/g)) expect(command, command).toContain(`--region ${REGION}`);
  });

  it('point every policies parameter of the docs at files that exist in the repository', () => {
    const values = [
      ...docFiles()
        .map(doc)
        .join('\n')
        .matchAll(/--param="policies=([^"]+)"/g),
    ].map((m) => m[1]!);
    expect(values.length).toBeGreaterThanOrEqual(2);
    for (const path of values.flatMap((v) => v.split(','))) expect(existsSync(join(root, path)), path).toBe(true);
  });

  it("switch an account to audit with the one command that names the stack's kill switch", () => {
    const parameter = Object.values(template.Resources).find((r) => r.Type === 'AWS::SSM::Parameter')!;
    const commands = deploySteps().filter((c) => c.startsWith('aws ssm put-parameter'));
    expect(commands.length).toBeGreaterThanOrEqual(1);
    for (const command of commands)
      expect(command).toBe(`aws ssm put-parameter --region ${REGION} --name ${String(parameter.Properties.Name)} --value audit --overwrite`);
  });

  it('document every deployment parameter of serverless.yml', () => {
    const [config] = parseDocuments(readFileSync(join(root, 'serverless.yml'), 'utf8'), 'serverless.yml');
    const declared = Object.keys((config!.value as { params: { default: Record<string, unknown> } }).params.default);
    const documented = [
      ...markdownTable(docSection('docs/deploy.md', '## Parameters'), ['parameter', 'variable', 'default', 'meaning']),
      ...markdownTable(docSection('docs/lambda.md', '## The scheduled sweep'), ['parameter', 'default', 'meaning']),
    ].map((row) => row.parameter!.replaceAll('`', ''));
    expect(declared.filter((name) => !documented.includes(name))).toEqual([]);
  });
});
