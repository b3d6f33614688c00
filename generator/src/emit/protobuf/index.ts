import type { Emitter } from "../emitter.js";
import { servedVersions } from "../naming.js";
import { emitDescriptors } from "./descriptors.js";
import { groupVersionMessages } from "./messages.js";
import { emitProtoFile } from "./proto-file.js";

/** Kubernetes protobuf: a generated.proto and the codec's descriptors per served group-version. */
export const protobufEmitter: Emitter = {
  name: "protobuf",
  description: "proto/<group>/<version>/generated.proto and the protobuf codec's descriptors",
  emit(model, ctx) {
    return servedVersions(model.groups).flatMap(({ group, version }) => {
      const messages = groupVersionMessages(model, group, version);
      return [emitProtoFile(group, version, messages), emitDescriptors(group, version, messages, ctx)];
    });
  },
};
