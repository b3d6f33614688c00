/**
 * When a watcher that allows bookmarks gets its next one, as kube's cacher decides it
 * (k8s.io/apiserver pkg/storage/cacher/cache_watcher.go `nextBookmarkTime`): about every
 * `frequencyMs` (kube's defaultBookmarkFrequency, a minute), and 2 s before the watch's
 * deadline, so a client whose watch times out resumes from a recent resourceVersion.
 * Kube rounds the time to its one-second dispatch buckets (cacher.go
 * watcherBookmarkTimeBuckets, a 1 s tick with 25 % jitter); a timer per watcher needs no
 * buckets and fires at the time itself, which lies inside kube's window.
 */

/** How long before its deadline a watcher gets its last bookmark (kube: `deadline.Add(-2 * time.Second)`). */
export const PRE_TIMEOUT_BOOKMARK_MS = 2_000;

/** The next bookmark time (epoch ms) after `now`, or undefined when the watch ends first. */
export function nextBookmarkTime(now: number, frequencyMs: number, deadline?: number): number | undefined {
  let at = now + frequencyMs;
  if (deadline === undefined) return at;
  const preTimeout = deadline - PRE_TIMEOUT_BOOKMARK_MS;
  if (preTimeout < at) at = preTimeout;
  // kube skips a time already past; one due right now is the pre-timeout bookmark just sent
  return at <= now ? undefined : at;
}
