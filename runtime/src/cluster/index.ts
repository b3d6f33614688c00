export { ClusterConnection, type ClusterResponse, type RequestOptions } from "./connection.js";
export { Informer, type InformerOptions, type ObjectWithMeta } from "./informer.js";
export * from "./reviews.js";
