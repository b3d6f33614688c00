import type { Resource, Quantity, int64, float64, Time } from "skai-gen/definitions";
import type { CommonStatus } from "./common.js";

/**
 * Dataset is a named, versioned collection of training data, optionally cached
 * close to the GPUs.
 * @scope Namespaced
 * @shortName ds
 * @category skai
 * @printColumn name=Source type=string jsonPath=.spec.source.uri
 * @printColumn name=Format type=string jsonPath=.spec.format
 * @printColumn name=Files type=integer jsonPath=.status.fileCount
 * @printColumn name=Cached type=number jsonPath=.status.cacheRatio priority=1
 * @printColumn name=Age type=date jsonPath=.metadata.creationTimestamp
 * @subresource status
 */
export interface Dataset extends Resource<DatasetSpec, DatasetStatus> {}

/** DatasetSpec is the desired state of a Dataset. */
export interface DatasetSpec {
  /** Where the data lives. */
  source: DataSource;
  /**
   * File format of the data.
   * @default "Parquet"
   */
  format?: "Parquet" | "CSV" | "JSONL" | "TFRecord" | "WebDataset" | "Images";
  /** Caching of the data on the cluster. */
  cache?: CacheSettings;
  /**
   * Free-form description of the dataset's schema, kept as given.
   * @preserveUnknownFields
   */
  schema?: unknown;
}

/** Where a dataset's data lives. */
export interface DataSource {
  /** Kind of storage behind the URI. */
  type: "S3" | "GCS" | "AzureBlob" | "HTTP" | "PVC" | "HuggingFace";
  /**
   * URI of the data, e.g. `s3://bucket/path/`.
   * @minLength 1
   * @maxLength 2048
   * @format uri
   */
  uri: string;
  /** Name of a Secret holding credentials for the source. */
  secretName?: string;
}

/**
 * Cache settings; the cache is sized between minSize and maxSize.
 * @rule !(has(self.enabled) && self.enabled) || has(self.maxSize) "maxSize is required when the cache is enabled"
 */
export interface CacheSettings {
  /** Cache the dataset on local NVMe. @default false */
  enabled?: boolean;
  /** Smallest cache, as a quantity (`10Gi`). */
  minSize?: Quantity;
  /** Largest cache, as a quantity (`500Gi`). */
  maxSize?: Quantity;
  /** StorageClass of the cache volumes. */
  storageClassName?: string;
}

/** DatasetStatus is the observed state of a Dataset. */
export interface DatasetStatus extends CommonStatus {
  /** Number of files found at the source. @minimum 0 */
  fileCount?: int64;
  /** Total size of the data. */
  totalSize?: Quantity;
  /**
   * Fraction of the data in the cache, from 0 to 1.
   * @minimum 0
   * @maximum 1
   */
  cacheRatio?: float64;
  /** When the source was last scanned. */
  lastSyncTime?: Time;
}
