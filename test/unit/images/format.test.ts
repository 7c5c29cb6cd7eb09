/** The Go-template subset of `--format` and docker's human units. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  executeTemplate,
  FormatTemplateError,
  formatG,
  humanDuration,
  humanSize,
  parseTemplate,
  templateUses,
} from '../../../src/cli/format.js';

let checks = 0;
after(() => console.log(`format: ${checks} checks`));

const data = {
  name: 'alpine',
  manifest: {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: 'sha256:abc',
    size: 10,
  },
  image: {
    'linux/amd64': {
      architecture: 'amd64',
      os: 'linux',
      'os.version': '10',
      config: { Env: ['A=1', 'B=2'] },
    },
  },
};

describe('templates', () => {
  const cases: [string, string][] = [
    ['{{.Name}}', 'alpine'],
    ['{{ .Name }}!', 'alpine!'],
    ['{{.Manifest.Digest}} {{.Manifest.Size}}', 'sha256:abc 10'],
    ['{{.manifest.mediaType}}', 'application/vnd.oci.image.index.v1+json'],
    [
      '{{json .Manifest}}',
      '{\n  "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.index.v1+json",\n  "digest": "sha256:abc",\n  "size": 10\n}',
    ],
    ['{{.Name | json}}', '"alpine"'],
    ['{{println .Name}}x', 'alpine\nx'],
    ['{{println}}', '\n'],
    ['{{(index .Image "linux/amd64")}}', 'ERR'],
    ['{{with .Name}}{{end}}', 'ERR'],
    ['{{.Missing}}', '<no value>'],
    ['a  {{- .Name -}}  b', 'aalpineb'],
    ['{{/* note */}}ok', 'ok'],
    ['{{join (.Name) ","}}', 'ERR'],
    ['{{upper .Name}}', 'ALPINE'],
    ['{{nosuch .Name}}', 'ERR'],
    ['{{.Name', 'ERR'],
  ];
  for (const [source, want] of cases) {
    it(source, () => {
      if (want === 'ERR') {
        assert.throws(() => executeTemplate(parseTemplate(source), data), FormatTemplateError);
      } else {
        assert.equal(executeTemplate(parseTemplate(source), data), want);
      }
      checks++;
    });
  }
  it('index and field names ignoring case, dots and underscores', () => {
    const t = parseTemplate('{{index .Image "linux/amd64"}}');
    assert.match(executeTemplate(t, data), /"os.version": "10"/);
    const img = data.image['linux/amd64'];
    assert.equal(
      executeTemplate(parseTemplate('{{.OSVersion}} {{join .Config.Env ","}}'), img),
      '10 A=1,B=2',
    );
    checks += 2;
  });
  it('tells which top-level fields a template reads', () => {
    assert.equal(templateUses(parseTemplate('{{json .Image}}'), 'Image'), true);
    assert.equal(templateUses(parseTemplate('{{json .}}'), 'Image'), true);
    assert.equal(templateUses(parseTemplate('{{json .Manifest}}'), 'Image'), false);
    checks += 3;
  });
});

describe('units', () => {
  it('humanSize is docker HumanSizeWithPrecision(n, 3)', () => {
    const cases: [number, string][] = [
      [0, '0B'],
      [178, '178B'],
      [1234, '1.23kB'],
      [1000, '1kB'],
      [7_800_000, '7.8MB'],
      [999_999, '1e+03kB'],
      [5_368_709_120, '5.37GB'],
    ];
    for (const [n, want] of cases) {
      assert.equal(humanSize(n), want, String(n));
      checks++;
    }
    assert.equal(formatG(0.00001234, 3), '1.23e-05');
    checks++;
  });
  it('humanDuration is docker HumanDuration', () => {
    const s = 1000;
    const h = 3600 * s;
    const cases: [number, string][] = [
      [500, 'Less than a second'],
      [s, '1 second'],
      [30 * s, '30 seconds'],
      [60 * s, 'About a minute'],
      [5 * 60 * s, '5 minutes'],
      [h, 'About an hour'],
      [3 * h, '3 hours'],
      [50 * h, '2 days'],
      [24 * 15 * h, '2 weeks'],
      [24 * 90 * h, '3 months'],
      [24 * 365 * 3 * h, '3 years'],
    ];
    for (const [ms, want] of cases) {
      assert.equal(humanDuration(ms), want);
      checks++;
    }
  });
});
