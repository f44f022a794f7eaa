import { ExecutionBaseError, NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';

/** The documented, secret-free properties of an instagram-native error (its README, "Errors"). */
export interface AddonError extends Error {
	code: string;
	retryable: boolean;
	httpStatus?: number;
	graphCode?: number;
	graphSubcode?: number;
	graphType?: string;
	fbtraceId?: string;
	userTitle?: string;
	userMessage?: string;
	retryAfterMs?: number;
}

const DETAIL_FIELDS = [
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

/** What the user can do about each code of the addon. */
const ADVICE: Record<string, string> = {
	INVALID_ARGUMENT: 'Check the parameter named in the message.',
	TOKEN_EXPIRED: 'The token has expired: paste a new access token in the credential (reconnect).',
	TOKEN_INVALID:
		'Meta no longer accepts the token (revoked, password changed, app removed): paste a new access token in the credential (reconnect).',
	PERMISSION_DENIED:
		"The token lacks a permission, or the app is not approved for it: check the app's permissions (instagram_business_manage_messages, instagram_manage_messages, pages_messaging) and reconnect.",
	OUTSIDE_MESSAGING_WINDOW:
		'The person has not written in the last 24 hours (7 days with the Human Agent tag): only a reply to a new message of theirs can be sent.',
	RECIPIENT_UNAVAILABLE: 'The person cannot receive messages from this account (blocked, deleted, or never wrote): do not retry.',
	RATE_LIMITED: 'Too many calls: wait and retry later (retryAfterMs says how long, when Meta told).',
	GRAPH_TRANSIENT: "A temporary problem on Meta's side: retry later.",
	GRAPH_ERROR: "Meta refused the request: see the Graph code and Meta's message.",
	NETWORK: 'The Graph API could not be reached: check the network and the base URLs of the credential.',
	TIMEOUT: 'No answer in time. A message may still have been delivered: check before retrying.',
	BAD_RESPONSE: 'The server answered something that is not the Graph API: check the base URLs of the credential.',
};

/** An n8n HTTP status for the codes Meta does not give one with. */
const STATUS_BY_CODE: Record<string, string> = {
	TOKEN_EXPIRED: '401',
	TOKEN_INVALID: '401',
	PERMISSION_DENIED: '403',
	RATE_LIMITED: '429',
	GRAPH_TRANSIENT: '503',
	TIMEOUT: '504',
	NETWORK: '502',
	BAD_RESPONSE: '502',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isAddonError(e: unknown): e is AddonError {
	return (
		isObject(e) &&
		typeof e.code === 'string' &&
		/^[A-Z_]+$/.test(e.code) &&
		typeof e.retryable === 'boolean' &&
		typeof e.message === 'string'
	);
}

/**
 * An instagram-native error, as n8n's own error class. Thrown by the credential hook: n8n wraps
 * whatever the hook throws in `new NodeApiError(node, error)`, which (in n8n 1.x and 2.x) keeps
 * the `context`, `description` and `httpCode` of an ExecutionBaseError but, in 1.x, drops the
 * `cause` of any other Error. So the addon's code travels in `context`.
 */
export class InstagramApiError extends ExecutionBaseError {
	httpCode: string | null;

	constructor(e: AddonError) {
		super(e.message, {});
		this.name = 'InstagramApiError';
		this.level = 'warning';
		this.httpCode = typeof e.httpStatus === 'number' && e.httpStatus >= 400 ? String(e.httpStatus) : (STATUS_BY_CODE[e.code] ?? null);
		this.description = describe(e);
		this.context = errorContext(e);
	}
}

/** Only the documented, secret-free properties of an addon error. */
export function errorContext(e: AddonError): IDataObject {
	const out: IDataObject = {};
	for (const k of DETAIL_FIELDS) if (e[k] !== undefined) out[k] = e[k];
	return out;
}

/** "TOKEN_EXPIRED (Graph 190/463): what to do. Meta: … fbtrace_id …" */
export function describe(e: AddonError): string {
	const graph = e.graphCode !== undefined ? ` (Graph ${e.graphCode}${e.graphSubcode !== undefined ? `/${e.graphSubcode}` : ''})` : '';
	return [
		`${e.code}${graph}: ${ADVICE[e.code] ?? ADVICE.GRAPH_ERROR}`,
		e.userMessage ? `Meta: ${e.userMessage}` : undefined,
		e.fbtraceId ? `fbtrace_id ${e.fbtraceId}` : undefined,
	]
		.filter(Boolean)
		.join(' ');
}

/** The addon error inside `error` (itself, or its `cause` / `errorResponse`, any depth). */
export function findAddonError(error: unknown): AddonError | undefined {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	while (queue.length) {
		const e = queue.shift();
		if (!isObject(e) || seen.has(e)) continue;
		seen.add(e);
		if (isAddonError(e)) return e;
		queue.push(e.cause, e.errorResponse);
	}
	return undefined;
}

/** An addon error as an InstagramApiError; anything else unchanged. */
export function asInstagramError(error: unknown): unknown {
	if (error instanceof ExecutionBaseError) return error;
	const e = findAddonError(error);
	return e ? new InstagramApiError(e) : error;
}

/** The addon code an n8n error carries (in `context.code`), if any. */
export function codeOf(error: unknown): string | undefined {
	const c = isObject(error) && isObject(error.context) ? error.context.code : undefined;
	return typeof c === 'string' ? c : findAddonError(error)?.code;
}

/**
 * Any failure as the n8n error to throw from the node: an error that already carries the addon's
 * code (the hook's, wrapped by n8n) keeps it; an addon error becomes a NodeApiError (Meta
 * answered or could not be reached) or a NodeOperationError (the caller's input), with the
 * addon's message, its code and Graph codes in `context`, an `httpCode` and a description that
 * says what to do.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const converted = asInstagramError(error);
	if (converted instanceof InstagramApiError) {
		const code = converted.context.code;
		const options = { message: converted.message, description: converted.description ?? undefined, itemIndex };
		const out =
			code === 'INVALID_ARGUMENT'
				? new NodeOperationError(node, converted, options)
				: new NodeApiError(node, converted as unknown as JsonObject, { ...options, httpCode: converted.httpCode ?? undefined });
		return out;
	}
	if (error instanceof ExecutionBaseError) {
		return new NodeOperationError(node, error, { itemIndex });
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/** The item "Continue On Fail" outputs for a failure: the message and the addon's code and details. */
export function failureItem(error: unknown): IDataObject {
	const n8nError = error as { message?: string; description?: string | null; context?: IDataObject; httpCode?: string | null };
	const addon = findAddonError(error);
	const context = isObject(n8nError?.context) ? n8nError.context : {};
	const details: IDataObject = addon ? errorContext(addon) : {};
	for (const k of DETAIL_FIELDS) if (context[k] !== undefined) details[k] = context[k];
	return {
		error: addon?.message ?? n8nError?.message ?? String(error),
		...details,
		...(n8nError?.description ? { description: n8nError.description } : {}),
	};
}
