// What both Lambdas (admission and sweep) share at their entry points.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** Structured logs and EMF metrics under the service's name and namespace. */
export const observability = (): { logger: Logger; metrics: Metrics } => ({
  logger: new Logger({ serviceName: 'ecs-admission' }),
  metrics: new Metrics({ namespace: 'ECSAdmission', serviceName: 'ecs-admission' }),
});

/** An entry point built on its first call: the environment is read then, not at import. */
export function onFirstUse<E, C, R>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => (built ??= build())(event, context);
}
