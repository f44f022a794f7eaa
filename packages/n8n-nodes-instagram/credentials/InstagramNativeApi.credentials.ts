import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { preAuthenticate } from 'instagram-native';
import type { CredentialState, LoginType } from 'instagram-native';
import { asInstagramError } from '../nodes/Instagram/errors';

/** The credential type's name: namespaced so that no other Instagram package collides with it. */
export const CREDENTIAL_TYPE = 'instagramNativeApi';

export const GRAPH_VERSION = 'v24.0';
export const DEFAULT_INSTAGRAM_URL = 'https://graph.instagram.com';
export const DEFAULT_FACEBOOK_URL = 'https://graph.facebook.com';

/** The hidden, expirable field: always returned as '' so that n8n runs the hook before every request. */
export const EXPIRABLE_FIELD = 'session';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const time = (v: unknown): number | string | undefined =>
	typeof v === 'number' && Number.isFinite(v) ? v : str(v);

export function loginType(credentials: ICredentialDataDecryptedObject): LoginType {
	return credentials.loginType === 'facebook' ? 'facebook' : 'instagram';
}

/** Facebook Login with a page token: used as it is (it does not expire), never exchanged. */
export function isPageToken(credentials: ICredentialDataDecryptedObject): boolean {
	return loginType(credentials) === 'facebook' && credentials.facebookAccess === 'page';
}

/** The stored credential, as the addon's `CredentialState` ('' means "not set"). */
export function credentialState(credentials: ICredentialDataDecryptedObject): CredentialState {
	const common = {
		accessTokenExpiresAt: time(credentials.accessTokenExpiresAt),
		accessTokenIssuedAt: time(credentials.accessTokenIssuedAt),
		sourceTokenFingerprint: str(credentials.sourceTokenFingerprint),
		clientId: str(credentials.clientId),
		clientSecret: str(credentials.clientSecret),
		loginType: loginType(credentials),
	};
	if (isPageToken(credentials)) {
		// The pasted page token is the token: nothing to exchange or refresh.
		return { ...common, accessToken: str(credentials.oauthAccessToken), accessTokenExpiresAt: undefined, accessTokenIssuedAt: undefined };
	}
	return { ...common, accessToken: str(credentials.accessToken), oauthAccessToken: str(credentials.oauthAccessToken) };
}

/** The base URLs of the credential, without a trailing slash. */
export function callOptions(credentials: ICredentialDataDecryptedObject): { instagramUrl: string; facebookUrl: string } {
	return {
		instagramUrl: (str(credentials.instagramUrl) ?? DEFAULT_INSTAGRAM_URL).replace(/\/+$/, ''),
		facebookUrl: (str(credentials.facebookUrl) ?? DEFAULT_FACEBOOK_URL).replace(/\/+$/, ''),
	};
}

/** The Graph host of the credential's login: graph.instagram.com or graph.facebook.com. */
export function graphUrl(credentials: ICredentialDataDecryptedObject): string {
	const o = callOptions(credentials);
	return loginType(credentials) === 'facebook' ? o.facebookUrl : o.instagramUrl;
}

/** Every secret that may sign a webhook delivery: the Meta app secret and the (Instagram) app secret. */
export function webhookSecrets(credentials: ICredentialDataDecryptedObject): string[] {
	return [str(credentials.metaAppSecret), str(credentials.clientSecret)].filter((s): s is string => s !== undefined);
}

/** The Meta app (id and secret) the webhook subscription belongs to, when the credential names one. */
export function metaApp(credentials: ICredentialDataDecryptedObject): { id: string; secret: string } | undefined {
	const id = str(credentials.metaAppId) ?? (loginType(credentials) === 'facebook' ? str(credentials.clientId) : undefined);
	const secret = str(credentials.metaAppSecret) ?? (loginType(credentials) === 'facebook' ? str(credentials.clientSecret) : undefined);
	return id && secret ? { id, secret } : undefined;
}

const forInstagram = { show: { loginType: ['instagram'] } };
const forFacebook = { show: { loginType: ['facebook'] } };
const forFacebookUser = { show: { loginType: ['facebook'], facebookAccess: ['user'] } };
const forFacebookPage = { show: { loginType: ['facebook'], facebookAccess: ['page'] } };

export class InstagramNativeApi implements ICredentialType {
	name = CREDENTIAL_TYPE;

	displayName = 'Instagram Native API';

	icon: Icon = { light: 'file:../nodes/Instagram/instagram.svg', dark: 'file:../nodes/Instagram/instagram.dark.svg' };

	documentationUrl = 'https://github.com/instagram-native/instagram-native/tree/main/packages/n8n-nodes-instagram#setup';

	properties: INodeProperties[] = [
		{
			displayName: 'Login Type',
			name: 'loginType',
			type: 'options',
			options: [
				{
					name: 'Instagram Login',
					value: 'instagram',
					description: 'Instagram API with Instagram Login: tokens start with IGAA, graph.instagram.com',
				},
				{
					name: 'Facebook Login',
					value: 'facebook',
					description: 'Instagram API with Facebook Login: a Facebook Page linked to the Instagram account, tokens start with EAA',
				},
			],
			default: 'instagram',
		},
		{
			displayName: 'Token Type',
			name: 'facebookAccess',
			type: 'options',
			options: [
				{ name: 'Page Token (Does Not Expire)', value: 'page', description: 'A Page access token taken from a long-lived user token: used as it is' },
				{ name: 'User Token (Exchanged for a 60-Day Token)', value: 'user', description: 'A user token: exchanged for a long-lived one; the page is found with it' },
			],
			default: 'page',
			displayOptions: forFacebook,
		},
		{
			displayName: 'Access Token',
			name: 'oauthAccessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Instagram Login: the token of the Instagram login (IGAA…), exchanged for a 60-day token that is refreshed before it expires. Facebook Login: the page or user token (EAA…). Paste a new one to reconnect.',
		},
		{
			displayName: 'Instagram App ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: "The Instagram app ID (App Dashboard → Instagram → API setup with Instagram login). Optional.",
			displayOptions: forInstagram,
		},
		{
			displayName: 'App ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: "The Meta app's ID (App Dashboard → App settings → Basic): the exchange of a user token needs it",
			displayOptions: forFacebookUser,
		},
		{
			displayName: 'App ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: "The Meta app's ID (App Dashboard → App settings → Basic). Optional: the trigger's automatic webhook registration uses it.",
			displayOptions: forFacebookPage,
		},
		{
			displayName: 'Instagram App Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Exchanges and refreshes the token (App Dashboard → Instagram → API setup with Instagram login)',
			displayOptions: forInstagram,
		},
		{
			displayName: 'App Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The Meta app's secret: exchanges a user token, adds appsecret_proof to each call and checks webhook signatures",
			displayOptions: forFacebook,
		},
		{
			displayName: 'Page or Instagram Account ID',
			name: 'accountId',
			type: 'string',
			default: '',
			description: 'Which page to use when the user token manages several (the page ID or its Instagram account ID). Empty: the only page with an Instagram account.',
			displayOptions: forFacebookUser,
		},
		{
			displayName: 'Meta App ID',
			name: 'metaAppId',
			type: 'string',
			default: '',
			description:
				"For the Instagram Trigger's automatic webhook registration: the Meta app's ID (App settings → Basic), which differs from the Instagram app ID. Facebook Login: empty means the App ID above.",
		},
		{
			displayName: 'Meta App Secret',
			name: 'metaAppSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"The Meta app's secret (App settings → Basic): Meta signs webhook deliveries with it, and the trigger registers its webhook with it. Either secret may match a signature.",
		},
		{
			displayName: 'Webhook Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Only for a webhook set up by hand in Meta's dashboard (trigger option Webhook Registration: Manual): the verify token typed there",
		},
		{
			displayName: 'Instagram Graph URL',
			name: 'instagramUrl',
			type: 'string',
			default: DEFAULT_INSTAGRAM_URL,
			description: 'Change only for a proxy or a test server (http:// only for loopback hosts)',
		},
		{
			displayName: 'Facebook Graph URL',
			name: 'facebookUrl',
			type: 'string',
			default: DEFAULT_FACEBOOK_URL,
			description: 'Change only for a proxy or a test server (http:// only for loopback hosts). The webhook registration uses it with both logins.',
		},
		// Filled in by preAuthentication. Every key the hook returns must be declared here.
		{
			displayName: 'Session',
			name: EXPIRABLE_FIELD,
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Long-Lived Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Expires At', name: 'accessTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Issued At', name: 'accessTokenIssuedAt', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Source Token Fingerprint', name: 'sourceTokenFingerprint', type: 'hidden', typeOptions: { password: true }, default: '' },
	];

	/**
	 * Runs before every authenticated request (the expirable field is always ''): exchanges a
	 * newly pasted token, refreshes the stored one inside its last 7 days, and returns the
	 * fields for n8n to persist. A failure is thrown as an n8n execution error that keeps the
	 * addon's code in `context` (n8n 1.x keeps only that when it wraps the hook's error).
	 *
	 * When the fields it would return are those stored, it returns none at all, and n8n then
	 * writes nothing (it persists only a result that holds the expirable field). In queue mode
	 * another process may have stored a newer token since this one read the credential: writing
	 * back what was read would replace that token with an older one.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		try {
			const r = await preAuthenticate(credentialState(credentials), callOptions(credentials));
			const fields: IDataObject = {
				accessToken: r.accessToken,
				accessTokenExpiresAt: r.accessTokenExpiresAt ?? '',
				accessTokenIssuedAt: r.accessTokenIssuedAt ?? '',
				sourceTokenFingerprint: r.sourceTokenFingerprint ?? '',
			};
			const stored = Object.keys(fields).every((k) => String(credentials[k] ?? '') === String(fields[k]));
			return stored ? {} : { [EXPIRABLE_FIELD]: '', ...fields };
		} catch (error) {
			throw asInstagramError(error);
		}
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.loginType === "facebook" ? $credentials.facebookUrl : $credentials.instagramUrl}}',
			url: `/${GRAPH_VERSION}/me`,
			qs: { fields: '={{$credentials.loginType === "facebook" ? "id,name" : "user_id,username"}}' },
		},
	};
}
