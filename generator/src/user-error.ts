/**
 * A mistake of the user's that is not in the definitions (a configuration, an
 * output folder): commands print its message as one line and exit 1, with no
 * stack trace. Anything else thrown is a skai-gen bug.
 */
export class UserError extends Error {}
