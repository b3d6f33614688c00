/**
 * Field selectors (k8s.io/apimachinery/pkg/fields): the one parser lives in
 * @skai-gen/client, so the client accepts and rejects what the server does.
 */
export { parseFieldSelector, type FieldRequirement, type ParsedFieldSelector as FieldSelector } from "@skai-gen/client/selectors";
