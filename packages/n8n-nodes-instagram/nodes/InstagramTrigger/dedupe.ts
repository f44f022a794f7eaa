import type { IDataObject } from 'n8n-workflow';

/**
 * Deduplication of Meta's redeliveries by the addon's `dedupeKey`.
 *
 * Each trigger node keeps the keys it let through (their first 16 hex digits, 64 bits) with the
 * time first seen (epoch seconds) in its workflow static data, so the set survives restarts, and
 * mirrored in memory, so that two deliveries of one event reaching this process cannot both pass:
 * the check and the record are one synchronous step (Node runs the handler on one thread), while
 * n8n saves static data only after the webhook call. About 30 bytes of JSON per key.
 */

/** Where the keys live in the node's static data. */
const STATIC_KEY = 'instagramDedupe';
/** Hex digits kept of a 32-digit key. */
const KEPT_DIGITS = 16;

export interface DedupeBound {
	/** Keys older than this are forgotten. */
	windowSecs: number;
	/** At most this many keys are kept (the oldest go first). */
	maxIds: number;
}

export const DEFAULT_WINDOW_HOURS = 48;
export const DEFAULT_MAX_IDS = 5000;

/** Per trigger node (workflow id and node id): key → first seen, epoch seconds. */
const memory = new Map<string, Map<string, number>>();

function savedIds(staticData: IDataObject | undefined): Record<string, unknown> {
	const saved = staticData?.[STATIC_KEY] as IDataObject | undefined;
	const ids = saved && typeof saved === 'object' ? saved.ids : undefined;
	return ids && typeof ids === 'object' && !Array.isArray(ids) ? (ids as Record<string, unknown>) : {};
}

/** Drops keys outside the window, then the oldest beyond `maxIds`. True when any was dropped. */
function prune(seen: Map<string, number>, nowSecs: number, bound: DedupeBound): boolean {
	const before = seen.size;
	const oldest = nowSecs - bound.windowSecs;
	for (const [key, at] of seen) if (at < oldest) seen.delete(key);
	if (seen.size > bound.maxIds) {
		const byAge = [...seen].sort((a, b) => a[1] - b[1]);
		for (const [key] of byAge.slice(0, seen.size - bound.maxIds)) seen.delete(key);
	}
	return seen.size !== before;
}

/**
 * Which of `keys` (the events of one delivery, in order) are new: each new key is recorded at
 * once, so a key repeated within the delivery is new only the first time. With `staticData`, keys
 * saved there (by an earlier run of this process or another) count as seen, and the set is
 * written back when it changed; without it (test webhooks) only memory is used.
 */
export function firstSeen(
	scope: string,
	keys: string[],
	nowSecs: number,
	bound: DedupeBound,
	staticData?: IDataObject,
): boolean[] {
	let seen = memory.get(scope);
	if (!seen) {
		seen = new Map();
		memory.set(scope, seen);
	}
	if (staticData) {
		for (const [key, at] of Object.entries(savedIds(staticData))) {
			if (typeof at === 'number' && Number.isFinite(at) && !seen.has(key)) seen.set(key, at);
		}
	}
	let changed = prune(seen, nowSecs, bound);
	const fresh = keys.map((full) => {
		const key = full.slice(0, KEPT_DIGITS);
		if (seen.has(key)) return false;
		seen.set(key, nowSecs);
		changed = true;
		return true;
	});
	changed = prune(seen, nowSecs, bound) || changed;
	if (staticData && changed) staticData[STATIC_KEY] = { v: 1, ids: Object.fromEntries(seen) };
	return fresh;
}
