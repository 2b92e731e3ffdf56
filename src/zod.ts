/**
 * zod, as every module here imports it: the tree-shakeable `zod/mini` API (a fraction of the
 * classic API's size and start-up time, which the Lambda's cold start pays), with the English
 * messages classic zod sets up on import and `zod/mini` leaves out ("Invalid input" otherwise).
 * Importing z from here configures them before any schema parses. Only the English locale is
 * imported: `z.locales.en()` would bundle all of them.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
