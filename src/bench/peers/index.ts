// bench --peers: which peers apply to a format, and how often a message's tensor_content
// can be viewed in place. Measured in measure-format.ts, pooled by aggregate-peers.ts.
import { readFileSync } from 'node:fs';
import type { PeerCodec } from './peer-types.js';
import { jsonColumnarPeer, jsonRowsPeer } from './json-peer.js';
import { msgpackrPeer } from './msgpackr-peer.js';
import { protobufEsInputPeer, protobufEsTensorPeer, protobufEsTfExamplePeer } from './protobuf-es-peer.js';
import { protobufjsInputPeer, protobufjsTensorPeer, protobufjsTfExamplePeer } from './protobufjs-peer.js';

export type { PeerCodec } from './peer-types.js';
export * from './alignment.js';
export * from './aggregate-peers.js';

/** The peers measured against ours for `format` (none for formats without one, e.g. oip-*). */
export function peersFor(format: string): PeerCodec[] {
  switch (format) {
    case 'tensor-typed':
    case 'tensor-content':
    case 'tensor-broadcast':
      return [protobufjsTensorPeer(false), protobufEsTensorPeer(false)];
    case 'tensor-packed':
      return [protobufjsTensorPeer(true), protobufEsTensorPeer(true)];
    case 'tf-example':
      return [protobufjsTfExamplePeer(), protobufEsTfExamplePeer()];
    case 'example-list':
    case 'elwc':
      return [protobufjsInputPeer(), protobufEsInputPeer()];
    case 'json-columnar':
      return [jsonColumnarPeer()];
    case 'json-rows':
      return [jsonRowsPeer()];
    case 'msgpack-columnar':
      return [msgpackrPeer()];
    default:
      return [];
  }
}

/** Versions of the peer packages, for the results. */
export function peerVersions(): Record<string, string> {
  return {
    protobufjs: pkgVersion('protobufjs'),
    'protobuf-es': pkgVersion('@bufbuild/protobuf'),
    msgpackr: pkgVersion('msgpackr'),
    JSON: `V8 ${process.versions.v8}`,
  };
}

function pkgVersion(name: string): string {
  try {
    const file = new URL(`../../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
