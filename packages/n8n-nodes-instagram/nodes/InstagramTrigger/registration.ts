import { createHmac } from 'node:crypto';
import type { IDataObject, IHookFunctions, IHttpRequestOptions, IWebhookFunctions } from 'n8n-workflow';
import { tokenStatus } from 'instagram-native';
import {
	CREDENTIAL_TYPE,
	GRAPH_VERSION,
	callOptions,
	credentialState,
	graphUrl,
	metaApp,
} from '../../credentials/InstagramNativeApi.credentials';
import { InstagramApiError } from '../Instagram/errors';
import type { AddonError } from '../Instagram/errors';

/** The object of Instagram webhooks on the app subscriptions edge. */
const OBJECT = 'instagram';

/**
 * The verify token of an automatically registered webhook: derived from the Meta app secret and
 * the workflow and node ids, so it is never stored, differs per trigger and cannot be guessed
 * without the secret.
 */
export function derivedVerifyToken(this: IHookFunctions | IWebhookFunctions, appSecret: string): string {
	const id = `${this.getWorkflow().id ?? ''}:${this.getNode().id ?? this.getNode().name}`;
	return createHmac('sha256', appSecret).update(`n8n-nodes-instagram verify token ${id}`).digest('hex').slice(0, 40);
}

interface Answer {
	status: number;
	body: IDataObject;
}

/** One Graph call that never throws for an HTTP status (the caller classifies). */
async function graph(this: IHookFunctions, options: IHttpRequestOptions): Promise<Answer> {
	const r = (await this.helpers.httpRequest({ ...options, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true })) as {
		statusCode: number;
		body: unknown;
	};
	const body = typeof r.body === 'object' && r.body !== null ? (r.body as IDataObject) : {};
	return { status: r.statusCode, body };
}

/**
 * A failed Graph answer as an error with an addon-style code (TOKEN_INVALID for a wrong app
 * token, PERMISSION_DENIED, RATE_LIMITED, GRAPH_TRANSIENT, GRAPH_ERROR) and what to do.
 */
export function graphFailure(what: string, answer: Answer, advice: string): InstagramApiError {
	const g = (answer.body.error ?? {}) as IDataObject;
	const graphCode = typeof g.code === 'number' ? g.code : undefined;
	const graphSubcode = typeof g.error_subcode === 'number' ? g.error_subcode : undefined;
	const code =
		graphCode === 190
			? 'TOKEN_INVALID'
			: graphCode === 10 || (graphCode !== undefined && graphCode >= 200 && graphCode <= 299)
				? 'PERMISSION_DENIED'
				: [4, 17, 32, 613].includes(graphCode ?? 0) || answer.status === 429
					? 'RATE_LIMITED'
					: graphCode === undefined && answer.status >= 500
						? 'GRAPH_TRANSIENT'
						: 'GRAPH_ERROR';
	const error = Object.assign(new Error(`${what} failed: ${typeof g.message === 'string' ? g.message : `HTTP ${answer.status}`}`), {
		code,
		retryable: code === 'RATE_LIMITED' || code === 'GRAPH_TRANSIENT',
		httpStatus: answer.status,
		graphCode,
		graphSubcode,
		graphType: typeof g.type === 'string' ? g.type : undefined,
		fbtraceId: typeof g.fbtrace_id === 'string' ? g.fbtrace_id : undefined,
	}) as AddonError;
	const out = new InstagramApiError(error);
	out.description = `${out.description} ${advice}`;
	return out;
}

async function appRequest(this: IHookFunctions, method: 'GET' | 'POST' | 'DELETE', qs?: IDataObject, form?: IDataObject): Promise<Answer> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const app = metaApp(credentials);
	if (!app) throw new Error('no Meta app');
	return graph.call(this, {
		method,
		url: `${callOptions(credentials).facebookUrl}/${GRAPH_VERSION}/${app.id}/subscriptions`,
		// the app access token, in the header (never in a URL that could be logged)
		headers: { Authorization: `Bearer ${app.id}|${app.secret}` },
		qs,
		...(form ? { body: new URLSearchParams(form as Record<string, string>).toString(), headers: { Authorization: `Bearer ${app.id}|${app.secret}`, 'Content-Type': 'application/x-www-form-urlencoded' } } : {}),
	});
}

const APP_ADVICE = "Check the credential's Meta App ID and Meta App Secret, and that Meta can reach n8n's webhook URL (WEBHOOK_URL must be public HTTPS).";

/** This trigger's registration on the app subscriptions edge (object instagram), if it is there. */
export async function appSubscription(this: IHookFunctions): Promise<{ callbackUrl?: string; fields: string[] } | undefined> {
	const answer = await appRequest.call(this, 'GET');
	if (answer.status >= 400) throw graphFailure('Reading the app\'s webhook subscriptions', answer, APP_ADVICE);
	const entry = ((answer.body.data as IDataObject[] | undefined) ?? []).find((s) => s.object === OBJECT && s.active !== false);
	if (!entry) return undefined;
	const fields = ((entry.fields as IDataObject[] | undefined) ?? []).map((f) => String(f.name));
	return { callbackUrl: entry.callback_url as string | undefined, fields };
}

/** Registers the callback URL, the verify token and the fields of object instagram for the app. */
export async function registerApp(this: IHookFunctions, callbackUrl: string, verifyToken: string, fields: string[]): Promise<void> {
	const answer = await appRequest.call(this, 'POST', undefined, {
		object: OBJECT,
		callback_url: callbackUrl,
		verify_token: verifyToken,
		fields: fields.join(','),
		include_values: 'true',
	});
	if (answer.status >= 400 || answer.body.success !== true) {
		throw graphFailure("Registering the webhook (POST /{app-id}/subscriptions)", answer, APP_ADVICE);
	}
}

export async function unregisterApp(this: IHookFunctions): Promise<void> {
	const answer = await appRequest.call(this, 'DELETE', { object: OBJECT });
	if (answer.status >= 400) throw graphFailure('Removing the webhook registration', answer, APP_ADVICE);
}

/**
 * The account's own subscription to the app (POST /me/subscribed_apps), made with the token
 * pasted in the credential when it was not exchanged yet, else the stored one, and without the
 * credential hook: a missing, expired or revoked token never fails the
 * activation (deliveries need only the app secret); it is reported as `skipped` with the reason.
 * Any other refusal throws, with its code and what to do.
 */
export async function subscribeAccount(this: IHookFunctions, fields: string[], check: boolean): Promise<{ ok: boolean; skipped?: string }> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const state = credentialState(credentials);
	let status: string;
	try {
		status = tokenStatus(state).next;
	} catch {
		status = 'none-stored';
	}
	if (credentials.loginType === 'facebook' && credentials.facebookAccess === 'user') {
		return { ok: false, skipped: 'a Facebook user token: subscribe the page in the App Dashboard, or use a page token' };
	}
	// A newly pasted token (not exchanged yet: the credential hook runs in executions only) is used
	// as it is; otherwise the stored token while it is valid.
	const token = status === 'exchange' ? state.oauthAccessToken : status === 'expired' || status === 'none-stored' ? undefined : state.accessToken;
	if (!token) {
		return { ok: false, skipped: `no usable token (${status === 'expired' ? 'TOKEN_EXPIRED' : 'none stored'})` };
	}
	const url = `${graphUrl(credentials)}/${GRAPH_VERSION}/me/subscribed_apps`;
	const headers = { Authorization: `Bearer ${token}` };
	if (check) {
		const answer = await graph.call(this, { method: 'GET', url, headers });
		if (answer.status >= 400) return { ok: false };
		const app = metaApp(credentials)?.id ?? (credentials.clientId as string | undefined);
		const mine = ((answer.body.data as IDataObject[] | undefined) ?? []).find((a) => app !== undefined && String(a.id) === app);
		const have = new Set((mine?.subscribed_fields as string[] | undefined) ?? []);
		return { ok: mine !== undefined && fields.every((f) => have.has(f)) };
	}
	const answer = await graph.call(this, { method: 'POST', url, headers, qs: { subscribed_fields: fields.join(',') } });
	if (answer.status < 400 && answer.body.success === true) return { ok: true };
	const failure = graphFailure('Subscribing the account (POST /me/subscribed_apps)', answer, 'Check the permissions of the token (instagram_business_manage_messages, or pages_manage_metadata with Facebook Login).');
	if (failure.context.code === 'TOKEN_INVALID') return { ok: false, skipped: `TOKEN_INVALID (Graph ${String(failure.context.graphCode)}): reconnect the credential` };
	throw failure;
}
