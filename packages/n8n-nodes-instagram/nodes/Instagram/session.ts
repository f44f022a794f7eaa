import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';
import { getAccount } from 'instagram-native';
import type { CallOptions, LoginType } from 'instagram-native';
import {
	CREDENTIAL_TYPE,
	GRAPH_VERSION,
	callOptions,
	graphUrl,
	isPageToken,
	loginType,
} from '../../credentials/InstagramNativeApi.credentials';
import { codeOf, findAddonError, InstagramApiError } from './errors';

/** What sending needs: the token to send with and the account (IG account or page) it sends as. */
export interface Session {
	loginType: LoginType;
	accessToken: string;
	accountId: string;
	appSecret?: string;
	options: CallOptions;
}

/** A Graph id as an exact string, read from the raw JSON text (ids may come as bare numbers above 2^53). */
function idField(text: string, key: string): string | undefined {
	const m = new RegExp(`"${key}"\\s*:\\s*"?(\\d+)"?`).exec(text);
	return m ? m[1] : undefined;
}

interface Page {
	id: string;
	access_token?: string;
	instagram_business_account?: { id?: string };
}

function choosePage(this: IExecuteFunctions, pages: Page[], wanted: string | undefined): Page {
	const linked = pages.filter((p) => p.instagram_business_account?.id);
	const list = linked.map((p) => `${p.id} (Instagram ${p.instagram_business_account?.id})`).join(', ') || 'none';
	const chosen = wanted
		? linked.find((p) => p.id === wanted || p.instagram_business_account?.id === wanted)
		: linked.length === 1
			? linked[0]
			: undefined;
	if (!chosen) {
		throw new NodeOperationError(
			this.getNode(),
			wanted ? `No page with an Instagram account has the ID ${wanted}` : 'The token manages several pages with an Instagram account, or none',
			{ description: `Set "Page or Instagram Account ID" in the credential to one of: ${list}` },
		);
	}
	return chosen;
}

/**
 * One authenticated call through n8n: it runs the credential's preAuthentication (exchange /
 * refresh, persisted by n8n) and finds the account to send as (with a Facebook user token: the
 * page, unless `choosePage` is false). On n8n 2.x a 400 or 401 from Meta
 * (a revoked or expired token is a 400 with code 190) makes n8n run the hook again once. A call
 * that fails after another process stored a different token is made once more.
 */
export async function openSession(this: IExecuteFunctions, { choosePage: pick = true }: { choosePage?: boolean } = {}): Promise<Session> {
	const before = await this.getCredentials(CREDENTIAL_TYPE);
	const login = loginType(before);
	const base = graphUrl(before);
	const userToken = login === 'facebook' && !isPageToken(before);
	const request: IHttpRequestOptions = userToken
		? {
				method: 'GET',
				url: `${base}/${GRAPH_VERSION}/me/accounts`,
				qs: { fields: 'id,access_token,instagram_business_account{id}', limit: 100 },
				json: true,
			}
		: {
				method: 'GET',
				url: `${base}/${GRAPH_VERSION}/me`,
				qs: { fields: login === 'facebook' ? 'id' : 'user_id' },
				encoding: 'text',
				json: false,
			};
	const call = async () =>
		await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, request, {
			preAuthenticationRetryStatusCode: [400, 401],
		} as unknown as IDataObject);
	let answer: unknown;
	try {
		answer = await call();
	} catch (error) {
		// Queue mode: another process refreshed the token between this one's read and its use
		// (and Meta may have revoked the token read). Once more, with the credential as stored now.
		if (!(await storedTokenChanged.call(this, before.accessToken, error))) throw await classified.call(this, error);
		try {
			answer = await call();
		} catch (again) {
			throw await classified.call(this, again);
		}
	}
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const options = callOptions(credentials);
	const appSecret = login === 'facebook' && typeof credentials.clientSecret === 'string' && credentials.clientSecret ? credentials.clientSecret : undefined;
	if (userToken && !pick) {
		// Account: Get lists every page: no page needs to be chosen
		return { loginType: login, accessToken: credentials.accessToken as string, accountId: '', appSecret, options };
	}
	if (userToken) {
		const page = choosePage.call(this, ((answer as IDataObject).data as Page[]) ?? [], (credentials.accountId as string) || undefined);
		if (!page.access_token) throw new NodeOperationError(this.getNode(), `Meta gave no page token for page ${page.id}`);
		return { loginType: login, accessToken: page.access_token, accountId: page.id, appSecret, options };
	}
	const accountId = idField(String(answer), login === 'facebook' ? 'id' : 'user_id');
	if (!accountId) throw new NodeOperationError(this.getNode(), 'The Graph API answered /me without the account ID');
	return { loginType: login, accessToken: credentials.accessToken as string, accountId, appSecret, options };
}

/** How long a node waits for another process to store the token it refreshed (queue mode), in ms. */
const STORED_TOKEN_WAIT_MS = 5_000;

/**
 * Whether the stored token differs from `read`. After a token error (a refresh refused because
 * another process's refresh revoked the token read, or a call made with such a token) it waits up
 * to STORED_TOKEN_WAIT_MS for that process to store its token; a token that is really revoked
 * fails that much later.
 */
async function storedTokenChanged(this: IExecuteFunctions, read: unknown, error: unknown): Promise<boolean> {
	const code = codeOf(error);
	const deadline = Date.now() + (code === 'TOKEN_INVALID' || code === 'TOKEN_EXPIRED' ? STORED_TOKEN_WAIT_MS : 0);
	for (;;) {
		if ((await this.getCredentials(CREDENTIAL_TYPE)).accessToken !== read) return true;
		if (Date.now() >= deadline) return false;
		await sleep(250);
	}
}

/**
 * An error of the authenticated call. The hook's errors carry the addon's code already. A Graph
 * answer that n8n turned into its own error does not: the same account lookup is asked once
 * more through the addon (getAccount), whose error carries the addon's classification.
 */
async function classified(this: IExecuteFunctions, error: unknown): Promise<unknown> {
	if (codeOf(error) !== undefined) return error;
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const token = isPageToken(credentials) ? (credentials.oauthAccessToken as string) : (credentials.accessToken as string);
	if (!token) return error;
	try {
		await getAccount({ accessToken: token, loginType: loginType(credentials) }, callOptions(credentials));
	} catch (again) {
		const e = findAddonError(again);
		if (e) return new InstagramApiError(e);
	}
	return error;
}
