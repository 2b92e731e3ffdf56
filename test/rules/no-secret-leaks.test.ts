/**
 * A finding never carries a secret's value: over every fixture of every rule, with every rule on
 * (strict), no message or path contains the value of an environment variable of the input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEvaluator } from '../../src/core/evaluate.js';
import { presetRuleSet } from '../../src/core/presets.js';
import { indexTaskDefinitions } from '../../src/core/task-definition-index.js';
import type { TaskDefinition } from '../../src/core/types.js';
import { loadResources } from '../../src/input/load.js';
import { builtinRules } from '../../src/rules/index.js';

const dir = import.meta.dirname;
const fixtures = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\/(pass|fail|skip)\/[^/]+\.(json|ya?ml)$/.test(f))
  .sort();

/**
 * Environment values long enough that finding them in a message cannot be chance, and that do not
 * also appear in a public field (a region in `AWS_REGION` is also in the image's registry host).
 */
function environmentValues(td: TaskDefinition): string[] {
  const publicText = JSON.stringify(td, (key, value: unknown) => (key === 'environment' ? undefined : value));
  const values: string[] = [];
  for (const container of td.containerDefinitions ?? []) {
    for (const variable of container.environment ?? []) {
      try {
        const value = typeof variable.value === 'string' ? variable.value.trim() : '';
        if (value.length >= 8 && !publicText.includes(value)) values.push(value);
      } catch {
        // an unknown (CloudFormation) value holds nothing to leak
      }
    }
  }
  return values;
}

describe('findings never contain environment values', () => {
  const evaluateAll = (file: string) => {
    const resources = loadResources(readFileSync(join(dir, file), 'utf8'), file);
    const evaluate = createEvaluator(presetRuleSet('strict', builtinRules), { resolveTaskDefinition: indexTaskDefinitions(resources) });
    return resources.map((resource) => ({ resource, result: evaluate(resource) }));
  };

  it('covers the secret fixtures', () => {
    expect(fixtures.filter((f) => f.startsWith('no-secrets-in-environment/fail/')).length).toBeGreaterThan(2);
  });

  it.each(fixtures)('%s', (file) => {
    for (const { resource, result } of evaluateAll(file)) {
      if (resource.kind !== 'taskDefinition') continue;
      let values: string[];
      try {
        values = environmentValues(resource.object);
      } catch {
        continue; // the container list itself is unknown
      }
      for (const finding of result.findings) {
        for (const value of values) {
          expect(`${finding.message} ${finding.path}`).not.toContain(value);
        }
      }
    }
  });
});
