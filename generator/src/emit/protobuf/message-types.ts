/** The shape of a protobuf message as the .proto and descriptor emitters print it (built by messages.ts). */
export interface ProtoField {
  number: number;
  /** JSON name; empty for an embedded (inline) message. */
  name: string;
  /** Descriptor type (see runtime/src/protobuf/descriptor.ts), e.g. `[]msg`, `{}quantity`. */
  type: string;
  /** Message full name for `msg`/`inline` types. */
  ref?: string;
  /** The .proto type, e.g. `repeated k8s.io.api.core.v1.Container`, `map<string, string>`. */
  proto: string;
  description: string;
}

export interface ProtoMessage {
  /** Full name, e.g. `io.skai.v1alpha1.NotebookSpec`. */
  name: string;
  description: string;
  fields: ProtoField[];
  reserved: Array<{ name: string; number: number }>;
  /** True for messages of this group-version (written into its .proto); upstream ones are imported. */
  local: boolean;
}
