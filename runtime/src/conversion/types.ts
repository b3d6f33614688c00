/**
 * What generated code tells the runtime about converting one kind between the
 * version a request speaks and the group's storage version. Conversion is
 * hub-and-spoke through the storage version, as for multi-version CRDs: a
 * version only ever converts to and from storage, never to a sibling.
 */
export type Obj = Record<string, unknown>;

/** A generated conversion function: returns a new object and never mutates its input. */
export type ConvertFunc = (obj: Obj) => Obj;

export interface ResourceConversion {
  /** API group, for the `<group>/<version>-fields` annotation that keeps fields with no home. */
  group: string;
  /** The version this definition serves. */
  version: string;
  /** The group's storage version. */
  storageVersion: string;
  /** Field-by-field conversion to the storage version (may drop fields with no home there). */
  toStorage: ConvertFunc;
  /** Field-by-field conversion from the storage version. */
  fromStorage: ConvertFunc;
}

// The two optional facts a multi-version kind adds to its generated definition. Declared
// here, next to the layer that reads them, so the single-version core stays unaware of them.
declare module "../api/resource.js" {
  interface ResourceDefinition {
    /** Set when this version is not the storage version: requests convert through it. */
    conversion?: ResourceConversion;
    /** Sent as a `Warning: 299` header on every request in this version, as for deprecated CRD versions. */
    deprecationWarning?: string;
  }
}
