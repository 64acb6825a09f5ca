// protobuf-es (@bufbuild/protobuf) descriptors of our own protos/, built at run time from
// the protobufjs reflection the project already loads: protobufjs writes a FileDescriptorSet
// (one file per package), but with type names relative to the referring message and no
// dependency lists; both are filled in here so protobuf-es can resolve every type. No
// generated code: what is measured is protobuf-es's reflection-based codec on exactly
// the messages our wire code reads and writes.
import { createFileRegistry, fromBinary, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, type DescriptorProto } from '@bufbuild/protobuf/wkt';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { protoRoot } from '../../wire/protos.js';

let cached: FileRegistry | undefined;

/** The registry of every message in protos/ (cached). */
export function esRegistry(): FileRegistry {
  if (cached) return cached;
  const root = protoRoot();
  const set = (root as unknown as { toDescriptor(syntax: string): protobuf.Message }).toDescriptor('proto3');
  const fdsType = (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet;
  const fds = fromBinary(FileDescriptorSetSchema, fdsType.encode(set).finish());
  const fileOfPackage = new Map(fds.file.map((f) => [f.package, f.name]));
  for (const file of fds.file) {
    const deps = new Set<string>();
    const visit = (m: DescriptorProto, prefix: string): void => {
      const full = `${prefix}.${m.name}`;
      const type = root.lookup(full.slice(1));
      for (const f of m.field) {
        if (!f.typeName || f.typeName.startsWith('.')) continue;
        let target: string | undefined;
        // A map field refers to its nested `...Entry` message.
        if (m.nestedType.some((n) => n.name === f.typeName)) target = `${full}.${f.typeName}`;
        else if (type instanceof protobuf.Type) target = type.fields[f.name]?.resolvedType?.fullName;
        else {
          // A map entry's value: resolve from the message that owns the map, outwards.
          const owner = root.lookup(prefix.slice(1));
          if (owner instanceof protobuf.Namespace) target = owner.lookup(f.typeName)?.fullName;
        }
        if (!target) throw new Error(`protobuf-es descriptors: cannot resolve ${f.typeName} in ${full}`);
        f.typeName = target;
        const pkg = target.slice(1, target.lastIndexOf('.'));
        const owner = [...fileOfPackage.keys()]
          .filter((p) => pkg === p || pkg.startsWith(`${p}.`))
          .sort((a, b) => b.length - a.length)[0];
        if (owner !== undefined && owner !== file.package) deps.add(fileOfPackage.get(owner)!);
      }
      for (const n of m.nestedType) visit(n, full);
    };
    for (const m of file.messageType) visit(m, `.${file.package}`);
    file.dependency = [...deps];
  }
  // Dependencies first, as protobuf-es resolves imports from files it has already added.
  const ordered: typeof fds.file = [];
  const place = (name: string): void => {
    if (ordered.some((f) => f.name === name)) return;
    const f = fds.file.find((x) => x.name === name)!;
    for (const d of f.dependency) place(d);
    ordered.push(f);
  };
  for (const f of fds.file) place(f.name);
  fds.file = ordered;
  cached = createFileRegistry(fds);
  return cached;
}

/** A message descriptor by full name, e.g. `tensorflow.serving.PredictRequest`. */
export function esMessage(fullName: string): DescMessage {
  const d = esRegistry().getMessage(fullName);
  if (!d) throw new Error(`protobuf-es descriptors: no message ${fullName}`);
  return d;
}
