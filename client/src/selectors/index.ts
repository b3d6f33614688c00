/**
 * The label- and field-selector grammars of k8s.io/apimachinery (labels.Parse,
 * fields.ParseSelector): one parser each, which the server and the client share.
 */
export { parseLabelSelector, type LabelOperator, type LabelRequirement, type ParsedLabelSelector } from "./labels.js";
export { escapeFieldValue, parseFieldSelector, type FieldRequirement, type ParsedFieldSelector } from "./fields.js";
