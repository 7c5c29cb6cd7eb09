/**
 * Go's JSON shapes (goMarshalOrdered, goIndent) and the tabwriter, against outputs of the Go
 * tools themselves: docker CLI golden files and buildx's documented human view.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { goIndent, goMarshalIndent, goMarshalOrdered, tabwrite } from '../../../src/images/index.js';

let checks = 0;
after(() => console.log(`go-json: ${checks} checks`));

describe('goMarshalOrdered / goIndent', () => {
  it('keeps member order, drops undefined, escapes as Go', () => {
    assert.equal(
      goMarshalOrdered({ b: 1, a: 'x<y&z>', c: undefined, d: [true, null] }),
      '{"b":1,"a":"x\\u003cy\\u0026z\\u003e","d":[true,null]}',
    );
    checks++;
  });
  it('indents like json.Indent, keeping empty objects and arrays compact', () => {
    const cases: [string, string, string][] = [
      [
        '{"a":[],"b":{},"c":[1,{"d":"e"}]}',
        '  ',
        '{\n  "a": [],\n  "b": {},\n  "c": [\n    1,\n    {\n      "d": "e"\n    }\n  ]\n}',
      ],
      ['  { "x" : "a, b: {c}" }', '\t', '{\n\t"x": "a, b: {c}"\n}'],
      ['"s\\"q"', '  ', '"s\\"q"'],
      ['[]', '   ', '[]'],
    ];
    for (const [input, indent, want] of cases) {
      assert.equal(goIndent(input, '', indent), want);
      checks++;
    }
  });
  it('reproduces the docker CLI golden manifest list (3-space MarshalIndent)', () => {
    const platform = { architecture: 'amd64', os: 'linux' };
    const entry = {
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      size: 528,
      digest: 'sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d62abcd',
      platform,
    };
    const text = goMarshalIndent(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [entry, entry],
      },
      '',
      '   ',
    );
    const golden = `{
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
   "manifests": [
      {
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "size": 528,
         "digest": "sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d62abcd",
         "platform": {
            "architecture": "amd64",
            "os": "linux"
         }
      },
      {
         "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "size": 528,
         "digest": "sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d62abcd",
         "platform": {
            "architecture": "amd64",
            "os": "linux"
         }
      }
   ]
}`;
    assert.equal(text, golden);
    checks++;
  });
});

describe('tabwrite', () => {
  it('pads tab-terminated cells to the block width plus padding, empty cells too', () => {
    assert.equal(
      tabwrite('Name:\tx\nMediaType:\ty\nDigest:\tz\n'),
      'Name:      x\nMediaType: y\nDigest:    z\n',
    );
    assert.equal(tabwrite('\t\nManifests:\t\n'), '           \nManifests: \n');
    checks += 2;
  });
  it('ends a column block at a line without that column', () => {
    assert.equal(tabwrite('a:\t1\nno tabs here\nlonger:\t2\n'), 'a: 1\nno tabs here\nlonger: 2\n');
    checks++;
  });
  it('honours minwidth and padding (docker images table)', () => {
    assert.equal(
      tabwrite('A\tBB\tC\nxxxxxxxxxxxxx\ty\tz\n', { minWidth: 10, padding: 3 }),
      'A               BB        C\nxxxxxxxxxxxxx   y         z\n',
    );
    checks++;
  });
});
