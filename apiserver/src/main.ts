#!/usr/bin/env node
/**
 * skai-apiserver. The server runs on a thread whose stack holds objects as
 * deeply nested as kube's decoders accept; this bin starts that thread on
 * server.ts, and only forwards signals and the exit code.
 */
import { runOnServingThread } from "@skai-gen/runtime/server/serving-thread";

runOnServingThread(new URL("./server.js", import.meta.url));
