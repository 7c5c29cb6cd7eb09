/** The table of instructions that expand variables. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EXPANDING_INSTRUCTIONS,
  expandsVariables,
  INSTRUCTION_EXPANSION,
} from '../../../src/dockerfile/shell/index.js';

describe('EXPANDING_INSTRUCTIONS', () => {
  it('is the reference list plus ARG (which BuildKit also expands)', () => {
    assert.deepEqual([...EXPANDING_INSTRUCTIONS].sort(), [
      'ADD',
      'ARG',
      'COPY',
      'ENV',
      'EXPOSE',
      'FROM',
      'LABEL',
      'STOPSIGNAL',
      'USER',
      'VOLUME',
      'WORKDIR',
    ]);
  });

  it('leaves RUN, CMD, ENTRYPOINT and HEALTHCHECK to the shell', () => {
    for (const name of ['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK'] as const) {
      assert.equal(INSTRUCTION_EXPANSION[name].mode, 'shell', name);
      assert.equal(expandsVariables(name), false, name);
    }
    assert.deepEqual(INSTRUCTION_EXPANSION.RUN.parts, ['--mount options']);
  });

  it('defers ONBUILD and never expands SHELL or MAINTAINER', () => {
    assert.equal(INSTRUCTION_EXPANSION.ONBUILD.mode, 'deferred');
    assert.equal(INSTRUCTION_EXPANSION.SHELL.mode, 'none');
    assert.equal(INSTRUCTION_EXPANSION.MAINTAINER.mode, 'none');
  });

  it('only EXPOSE splits its expanded words', () => {
    const splitting = Object.entries(INSTRUCTION_EXPANSION)
      .filter(([, rule]) => rule.splitsWords)
      .map(([name]) => name);
    assert.deepEqual(splitting, ['EXPOSE']);
  });

  it('expandsVariables ignores case and unknown names', () => {
    assert.equal(expandsVariables('copy'), true);
    assert.equal(expandsVariables('Workdir'), true);
    assert.equal(expandsVariables('run'), false);
    assert.equal(expandsVariables('FROBNICATE'), false);
  });

  it('is frozen', () => {
    assert.ok(Object.isFrozen(INSTRUCTION_EXPANSION));
    assert.ok(Object.isFrozen(INSTRUCTION_EXPANSION.COPY));
    assert.ok(Object.isFrozen(INSTRUCTION_EXPANSION.COPY.parts));
  });
});
