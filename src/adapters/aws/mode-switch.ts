// The kill switch: an SSM parameter an operator sets to `audit` to stop enforcement in an account
// without a redeploy. Read through Powertools' parameters utility, which caches the value for
// `maxAgeSeconds`: one GetParameter per container and cache period, not one per event.
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { awsCallFailed } from './errors.js';

/** What the parameter says: a mode, or a value that is none (a typo must not go unnoticed). */
export type SwitchedMode = { mode: 'audit' | 'enforce' } | { invalid: string };

export type ModeSwitch = () => Promise<SwitchedMode>;

export function ssmModeSwitch(client: SSMClient, name: string, maxAgeSeconds: number): ModeSwitch {
  const provider = new SSMProvider({ awsSdkV3Client: client });
  return async () => {
    let value: string | undefined;
    try {
      value = await provider.get(name, { maxAge: maxAgeSeconds });
    } catch (error) {
      // Powertools wraps the SDK's error; the cause says what AWS answered.
      throw await awsCallFailed((error as Error).cause ?? error, `the mode parameter, SSM parameter "${name}" (ECS_ADMISSION_MODE_PARAMETER)`, client);
    }
    const mode = value?.trim().toLowerCase();
    return mode === 'audit' || mode === 'enforce' ? { mode } : { invalid: value ?? '(empty)' };
  };
}
