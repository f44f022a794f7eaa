import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';
import { preAuthenticate } from 'instagram-native';
import type { CredentialState } from 'instagram-native';

export const DEFAULT_GRAPH_URL = 'https://graph.instagram.com';

/** The hidden, expirable field: always returned as '' so that n8n runs the hook before every request. */
export const EXPIRABLE_FIELD = 'session';

/** The hidden fields the hook fills in (n8n only hands declared keys back to the next call). */
export const PERSISTED_FIELDS = [
	'accessToken',
	'accessTokenExpiresAt',
	'accessTokenIssuedAt',
	'sourceTokenFingerprint',
] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const time = (v: unknown): number | string | undefined =>
	typeof v === 'number' && Number.isFinite(v) ? v : str(v);

/** The stored credential, as the addon's `CredentialState` ('' means "not set"). */
export function credentialState(credentials: ICredentialDataDecryptedObject): CredentialState {
	return {
		accessToken: str(credentials.accessToken),
		accessTokenExpiresAt: time(credentials.accessTokenExpiresAt),
		accessTokenIssuedAt: time(credentials.accessTokenIssuedAt),
		sourceTokenFingerprint: str(credentials.sourceTokenFingerprint),
		oauthAccessToken: str(credentials.oauthAccessToken),
		clientId: str(credentials.clientId),
		clientSecret: str(credentials.clientSecret),
	};
}

/** The Graph base URL of the credential (its field, or Instagram's). */
export function graphUrl(credentials: ICredentialDataDecryptedObject): string {
	return (str(credentials.instagramUrl) ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
}

export class InstagramApi implements ICredentialType {
	name = 'instagramApi';

	displayName = 'Instagram API (long-lived token)';

	documentationUrl = 'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login';

	properties: INodeProperties[] = [
		{
			displayName: 'App ID',
			name: 'clientId',
			type: 'string',
			default: '',
			description: 'The Instagram app ID of your Meta app',
		},
		{
			displayName: 'App Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Exchanges the token and checks the signatures of webhook deliveries',
		},
		{
			displayName: 'Access Token (Short- or Long-Lived)',
			name: 'oauthAccessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The token from the Instagram login (IGAA…). It is exchanged for a 60-day token, which is then refreshed before it expires. Paste a new one to reconnect.',
		},
		{
			displayName: 'Webhook Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: "The verify token entered in Meta's dashboard for the webhook (Instagram Trigger)",
		},
		{
			displayName: 'Graph API Base URL',
			name: 'instagramUrl',
			type: 'string',
			default: DEFAULT_GRAPH_URL,
			description: 'Change only for a proxy or a test server (http:// only for loopback hosts)',
		},
		// Filled in by preAuthentication. Every key the hook returns must be declared here.
		{
			displayName: 'Session',
			name: EXPIRABLE_FIELD,
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
		{
			displayName: 'Long-Lived Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Expires At', name: 'accessTokenExpiresAt', type: 'hidden', default: '' },
		{ displayName: 'Issued At', name: 'accessTokenIssuedAt', type: 'hidden', default: '' },
		{ displayName: 'Source Token Fingerprint', name: 'sourceTokenFingerprint', type: 'hidden', default: '' },
	];

	/**
	 * Runs before every authenticated request (the expirable field is always ''): exchanges a
	 * newly pasted token, refreshes the stored one inside its last 7 days, and returns the
	 * fields for n8n to persist.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const r = await preAuthenticate(credentialState(credentials), { instagramUrl: graphUrl(credentials) });
		return {
			[EXPIRABLE_FIELD]: '',
			accessToken: r.accessToken,
			accessTokenExpiresAt: r.accessTokenExpiresAt ?? '',
			accessTokenIssuedAt: r.accessTokenIssuedAt ?? '',
			sourceTokenFingerprint: r.sourceTokenFingerprint ?? '',
		};
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.accessToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.instagramUrl}}',
			url: '/v24.0/me',
			qs: { fields: 'user_id,username' },
		},
	};
}
