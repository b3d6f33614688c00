/** A file an emitter returns: a path relative to the output folder and its text. */
export interface EmittedFile {
  path: string;
  content: string;
  /**
   * Which language the content is, for the header and the formatter. `raw`
   * files (e.g. package.json lock data) are written as given.
   */
  language: "typescript" | "javascript" | "json" | "yaml" | "markdown" | "proto" | "raw";
  /**
   * The emitter laid the text out itself: data serialised by JSON.stringify,
   * or machine-written code such as Ajv's validators. It is headed as
   * generated but not run through prettier, which would spend seconds on
   * megabytes of data for no reader's benefit.
   */
  preformatted?: boolean;
  /** Written with the executable bit (a bin), so a build that sets it leaves the tree unchanged. */
  executable?: boolean;
}
