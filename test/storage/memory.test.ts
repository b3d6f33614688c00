import { createMemoryStorage } from "../../runtime/src/storage/index.js";
import { runStorageSuite } from "./suite.js";

runStorageSuite("memory", (opts) => createMemoryStorage(opts));
