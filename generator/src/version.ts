/** skai-gen's own version, written into generated headers and /version. */
export const GENERATOR_VERSION = "0.1.0";
