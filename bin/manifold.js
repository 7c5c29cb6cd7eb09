#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (run `npm run build` after changing src/).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
