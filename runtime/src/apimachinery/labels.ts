/**
 * Label selectors (k8s.io/apimachinery/pkg/labels): the one parser lives in
 * @skai-gen/client, so the client accepts and rejects what the server does.
 */
export { parseLabelSelector, type LabelOperator, type LabelRequirement, type ParsedLabelSelector as LabelSelector } from "@skai-gen/client/selectors";
