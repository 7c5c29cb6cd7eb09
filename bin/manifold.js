#!/usr/bin/env node
// The installed entry point: the bundled CLI (`npm run build` makes dist/manifold.mjs).
await import('../dist/manifold.mjs');
