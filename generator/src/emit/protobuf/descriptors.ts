/**
 * `src/<group>/<version>/protobuf.ts`: the compact descriptors the runtime codec
 * (runtime/src/protobuf) encodes and decodes with, one `KindProtobuf` per kind.
 */
import type { EmittedFile } from "../../codegen/file.js";
import { TsFile } from "../../codegen/ts-file.js";
import type { GroupModel, VersionModel } from "../../model/types.js";
import type { EmitContext } from "../emitter.js";
import { groupVersionDir } from "../naming.js";
import type { ProtoMessage } from "./message-types.js";
import { protoPackage } from "./messages.js";

export function emitDescriptors(group: GroupModel, version: VersionModel, messages: ProtoMessage[], ctx: EmitContext): EmittedFile {
  const dir = groupVersionDir(group, version);
  const pkg = protoPackage(group, version);
  const f = new TsFile(`${dir}/protobuf.ts`);
  const runtime = { module: `${ctx.clientModule}/protobuf` };
  const ProtoTypes = f.importType("ProtoTypes", runtime);
  const KindProtobuf = f.importType("KindProtobuf", runtime);
  const entries = messages.map((m) => {
    const fields = m.fields.map((fd) => JSON.stringify(fd.ref ? [fd.number, fd.name, fd.type, fd.ref] : [fd.number, fd.name, fd.type]));
    return `  ${JSON.stringify(m.name)}: [${fields.join(", ")}],`;
  });
  f.jsDoc(
    `Protobuf messages of ${group.name}/${version.name} and the upstream ones they embed: field numbers from definitions/protobuf.lock.json and Kubernetes' generated.proto (see proto/${group.name}/${version.name}/generated.proto).`,
  );
  f.print(`export const protobufTypes: ${ProtoTypes} = {`, ...entries, "};", "");
  for (const kind of version.kinds) {
    f.jsDoc(`${kind.name} in protobuf (application/vnd.kubernetes.protobuf).`);
    f.print(`export const ${kind.name}Protobuf: ${KindProtobuf} = { kind: "${pkg}.${kind.name}", list: "${pkg}.${kind.listKind}", types: protobufTypes };`, "");
  }
  return f.toFile();
}
