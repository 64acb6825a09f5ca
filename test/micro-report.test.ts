// Micro-benchmark statistics as the reports print them: p99 only with >= 100 samples, the
// 95 % interval only with two rounds or more, totals named as sums of medians, one floor per
// scenario named for what it is, and the --peers section: valid in the schema, rendered as
// a table, a chart and a finding. Hand-built results; no timing is measured.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERLEAVED_WORK, type PeerRecord, type Results, type Stats } from '../src/results/index.js';
import { validateResults } from '../src/results/validate-results.js';
import {
  buildCharts,
  intervalText,
  p99Text,
  peersFinding,
  peersTable,
  resultsCsv,
  summaryMarkdown,
} from '../src/report/index.js';
import { cpuTable } from '../src/report/tables.js';
import { buildFixtureWithoutE2e } from './fixtures/results-fixture.js';

function stats(medianMs: number, samples: number, rounds: number[]): Stats {
  return {
    medianMs,
    meanMs: medianMs,
    p99Ms: medianMs * 2,
    minMs: medianMs / 2,
    maxMs: medianMs * 3,
    rmePct: 4,
    samples,
    roundMediansMs: rounds,
  };
}

describe('micro statistics in reports', () => {
  it('hides a p99 below 100 samples and shows it from 100', () => {
    assert.equal(p99Text(stats(1, 99, [1, 1])), 'n/a (n=99)');
    assert.equal(p99Text(stats(1, 100, [1, 1])), '2.00');
    const { p99Ms: _, ...sum } = stats(1, 500, [1, 1]);
    assert.equal(p99Text(sum), 'n/a (sum of medians)');
  });

  it('shows the 95 % interval only with two rounds or more', () => {
    assert.equal(intervalText(stats(1, 500, [1])), 'n/a (1 round)');
    assert.equal(intervalText(stats(1, 500, [1, 1.1])), '±4 %');
  });

  it('renders table cells and CSV rows by those thresholds', () => {
    const r = buildFixtureWithoutE2e();
    const dec = (f: string) => r.micro.find((m) => m.format === f && m.op === 'decode')!;
    dec('tf-example').stats = stats(100, 12, [99]);
    dec('tensor-content').stats = stats(1, 400, [1, 1.02, 0.98]);
    const t = cpuTable(r, r.scenarios[0]!.name)!;
    const row = (f: string) => t.rows.find((x) => x[0] === `\`${f}\``)!;
    const p99Col = t.columns.findIndex((c) => c.label === 'decode p99');
    const ciCol = t.columns.findIndex((c) => c.label.startsWith('decode 95 % CI'));
    assert.equal(row('tf-example')[p99Col], 'n/a (n=12)');
    assert.equal(row('tf-example')[ciCol], 'n/a (1 round) / 12');
    assert.notEqual(row('tensor-content')[p99Col], undefined);
    assert.match(row('tensor-content')[p99Col]!, /^\d/);
    assert.match(t.note ?? '', /sum of the medians/);
    assert.match(t.note ?? '', /logical tensor bytes .* fresh allocation/);
    const csv = resultsCsv(r).split('\n');
    const has = (f: string, metric: string) =>
      csv.some((l) => l.includes(`,${f},identity,decode,`) && l.includes(`,${metric},`));
    assert.equal(has('tf-example', 'p99'), false);
    assert.equal(has('tensor-content', 'p99'), true);
    assert.equal(has('tf-example', 'ci95_rel'), false);
    assert.equal(has('tensor-content', 'ci95_rel'), true);
    assert.ok(csv.some((l) => l.includes(',total,') && l.includes(',sum_of_medians,')));
    assert.ok(!csv.some((l) => l.includes(',total,') && l.includes(',p99,')));
  });
});

describe('the peers section', () => {
  const withPeers = (): Results => {
    const r = buildFixtureWithoutE2e();
    const scenario = r.scenarios[0]!.name;
    const rec = (format: string, op: 'encode' | 'decode', impl: string, ms: number, oursMs: number): PeerRecord => ({
      scenario,
      format,
      op,
      impl,
      work: `${impl} ${op}`,
      bytes: 1000,
      stats: stats(ms, 200, [ms, ms * 1.01, ms * 0.99]),
      oursRatio: oursMs / ms,
    });
    r.peers = {
      versions: { protobufjs: '8.8.1', 'protobuf-es': '2.17.0' },
      records: [
        rec('tensor-content', 'decode', 'ours', 0.8, 0.8),
        rec('tensor-content', 'decode', 'protobufjs', 1.0, 0.8),
        rec('tensor-content', 'decode', 'protobuf-es', 1.2, 0.8),
        rec('tensor-content', 'decode', 'copy', 0.2, 0.8),
        rec('tf-example', 'decode', 'ours', 70, 70),
        rec('tf-example', 'decode', 'protobufjs', 560, 70),
        rec('tf-example', 'decode', 'protobuf-es', 750, 70),
        rec('tensor-content', 'encode', 'ours', 1.5, 1.5),
        rec('tensor-content', 'encode', 'protobufjs', 1.0, 1.5),
      ],
      alignment: [{ scenario, format: 'tensor-content', tensors: 301, aligned: 75 }],
    };
    return r;
  };

  it('validates, and the validator catches a bad record', () => {
    const r = withPeers();
    assert.deepEqual(validateResults(r), []);
    const bad = withPeers();
    bad.peers!.alignment[0]!.aligned = 400;
    assert.match(validateResults(bad).join('\n'), /aligned \(400\) > tensors \(301\)/);
    const unknown = withPeers() as unknown as { peers: { records: Record<string, unknown>[] } };
    unknown.peers.records[0]!['speed'] = 1;
    assert.deepEqual(validateResults(unknown), ['$.peers.records[0].speed: unknown field']);
  });

  it('renders a table of ratios, a chart and a finding', () => {
    const r = withPeers();
    const scenario = r.scenarios[0]!.name;
    const t = peersTable(r, scenario)!;
    assert.deepEqual(
      t.columns.map((c) => c.label),
      ['format', 'op', 'ours', 'protobufjs', 'protobuf-es', 'copy of the bytes', 'ours ÷ fastest peer'],
    );
    const tc = t.rows.find((x) => x[0] === '`tensor-content`' && x[1] === 'decode')!;
    assert.equal(tc[3], '1.00 (0.800)');
    assert.equal(tc[6], '**0.800** (protobufjs)');
    assert.match(t.note ?? '', /tensor-content 75 of 301/);
    // The note says how ours was timed, from the ours records' work: a results file from before the
    // interleaving (ours = the CPU table's record) is not described as interleaved.
    assert.match(t.note ?? '', /each timed alone, one after the other \(ours is the CPU table's figure\)/);
    const interleaved = withPeers();
    for (const p of interleaved.peers!.records)
      if (p.impl === 'ours') p.work = `Format.decode; ${INTERLEAVED_WORK}, so it can differ`;
    assert.match(peersTable(interleaved, scenario)!.note ?? '', /ours and every peer timed in alternating blocks/);
    const finding = peersFinding(r, scenario)!;
    assert.match(finding, /faster than the fastest peer in 2 of 3/);
    assert.match(finding, /worst: `tensor-content` encode 1\.5x the time of protobufjs\.$/);
    // A peer ours loses to is named with what it leaves out, from its work text.
    const lazy = withPeers();
    lazy.peers!.records.find((p) => p.impl === 'protobufjs' && p.op === 'encode')!.work =
      'Type.encode of a prebuilt message; less than ours: no transpose';
    assert.match(peersFinding(lazy, scenario)!, /1\.5x the time of protobufjs \(which does less: no transpose\)\.$/);
    const md = summaryMarkdown(r);
    assert.ok(md.includes('Ours vs peer libraries on the same bytes'));
    assert.ok(buildCharts(r).drawn.some((c) => c.id === 'peers'));
    // Without a peers section nothing about peers is drawn or said.
    const plain = buildFixtureWithoutE2e();
    assert.equal(peersTable(plain, scenario), undefined);
    assert.ok(
      !buildCharts(plain).drawn.some((c) => c.id === 'peers') &&
        !buildCharts(plain).skipped.some((c) => c.id === 'peers'),
    );
  });
});
