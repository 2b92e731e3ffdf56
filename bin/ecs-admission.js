#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm run build` (run by `npm ci` through the `prepare` script).
import { main } from '../dist/cli.mjs';

process.exitCode = await main(process.argv.slice(2));
