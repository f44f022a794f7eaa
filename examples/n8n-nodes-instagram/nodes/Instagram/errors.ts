import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/** The properties of an instagram-native error (see its README, "Errors"). */
const ERROR_FIELDS = [
	'code',
	'retryable',
	'httpStatus',
	'graphCode',
	'graphSubcode',
	'graphType',
	'fbtraceId',
	'userTitle',
	'userMessage',
	'retryAfterMs',
] as const;

/**
 * The addon's error: thrown directly, or wrapped by n8n around the credential hook (as `cause`,
 * or as `errorResponse` when the error comes from another realm and fails `instanceof Error`).
 */
export function addonError(error: unknown): (Error & JsonObject & { code: string }) | undefined {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	while (queue.length) {
		const e = queue.shift() as any;
		if (!e || typeof e !== 'object' || seen.has(e)) continue;
		seen.add(e);
		if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) && typeof e.retryable === 'boolean' && typeof e.message === 'string') {
			return e;
		}
		queue.push(e.cause, e.errorResponse);
	}
	return undefined;
}

/** Only the documented, secret-free properties of an addon error. */
export function errorDetails(e: Error & JsonObject): JsonObject {
	const out: JsonObject = { message: e.message };
	for (const k of ERROR_FIELDS) if (e[k] !== undefined) out[k] = e[k];
	return out;
}

/**
 * An addon error as n8n's error classes: NodeApiError when Meta answered (an HTTP status is
 * known), NodeOperationError otherwise. The addon's `code` is kept in `context.code` (and in
 * `errorResponse.code` of a NodeApiError).
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		const inner = addonError(error);
		if (inner && error.context.code === undefined) error.context.code = inner.code;
		return error;
	}
	const e = addonError(error);
	if (!e) return new NodeOperationError(node, error as Error, { itemIndex });
	const details = errorDetails(e);
	const graph = e.graphCode !== undefined ? ` (Graph ${e.graphCode}${e.graphSubcode !== undefined ? `/${e.graphSubcode}` : ''})` : '';
	const description = [`${e.code}${graph}`, e.userMessage as string | undefined, e.fbtraceId ? `fbtrace_id ${e.fbtraceId}` : undefined]
		.filter(Boolean)
		.join(' — ');
	let out: NodeApiError | NodeOperationError;
	if (typeof e.httpStatus === 'number') {
		out = new NodeApiError(node, details, {
			message: e.message,
			description,
			httpCode: String(e.httpStatus),
			itemIndex,
		});
	} else {
		out = new NodeOperationError(node, e.message, { description, itemIndex });
	}
	out.context.code = e.code;
	out.context.retryable = e.retryable;
	return out;
}
