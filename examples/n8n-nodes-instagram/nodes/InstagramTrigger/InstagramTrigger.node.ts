import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { verifyWebhookSync } from 'instagram-native';
import type { WebhookEvent } from 'instagram-native';
import { graphUrl } from '../../credentials/InstagramApi.credentials';

const GRAPH_VERSION = 'v24.0';

/** Webhook fields of Instagram API with Instagram Login the account can be subscribed to. */
const SUBSCRIBE_FIELDS = [
	'comments',
	'live_comments',
	'mentions',
	'message_edit',
	'message_reactions',
	'messages',
	'messaging_optins',
	'messaging_postbacks',
	'messaging_referral',
	'messaging_seen',
	'standby',
];

async function subscribedAppsRequest(this: IHookFunctions, method: 'GET' | 'POST', qs?: IDataObject): Promise<IDataObject> {
	const base = graphUrl(await this.getCredentials('instagramApi'));
	return (await this.helpers.httpRequestWithAuthentication.call(this, 'instagramApi', {
		method,
		url: `${base}/${GRAPH_VERSION}/me/subscribed_apps`,
		qs,
		json: true,
	})) as IDataObject;
}

const EVENT_TYPES = [
	'comment',
	'handover',
	'live_comment',
	'mention',
	'message',
	'message_deleted',
	'message_echo',
	'message_edit',
	'message_unsupported',
	'optin',
	'postback',
	'reaction',
	'read',
	'referral',
	'story_insights',
	'unknown',
];

export class InstagramTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Trigger',
		name: 'instagramTrigger',
		icon: 'file:instagram.svg',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow on Instagram messages and comments (signatures checked on the raw bytes)',
		defaults: { name: 'Instagram Trigger' },
		inputs: [],
		outputs: ['main'],
		credentials: [{ name: 'instagramApi', required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					"In Meta's dashboard, set the callback URL to this node's webhook URL and the verify token to the credential's Webhook Verify Token",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Subscribe Fields',
				name: 'subscribeFields',
				type: 'multiOptions',
				options: SUBSCRIBE_FIELDS.map((f) => ({ name: f, value: f })),
				default: ['messages', 'messaging_postbacks', 'message_reactions', 'comments'],
				description:
					'On activation the account is subscribed to these webhook fields (POST /me/subscribed_apps). The app\'s callback URL itself is set in Meta\'s dashboard.',
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'multiOptions',
				options: EVENT_TYPES.map((t) => ({ name: t, value: t })),
				default: [],
				description: 'Only these kinds of events start the workflow (none selected: all)',
			},
		],
	};

	webhookMethods = {
		default: {
			/** Subscribed already to every chosen field? */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const wanted = this.getNodeParameter('subscribeFields', []) as string[];
				if (wanted.length === 0) return true;
				const answer = await subscribedAppsRequest.call(this, 'GET');
				const have = new Set(
					((answer.data as IDataObject[] | undefined) ?? []).flatMap((app) => (app.subscribed_fields as string[] | undefined) ?? []),
				);
				return wanted.every((f) => have.has(f));
			},
			/** Subscribes the account (this also runs the credential hook: exchange / refresh). */
			async create(this: IHookFunctions): Promise<boolean> {
				const wanted = this.getNodeParameter('subscribeFields', []) as string[];
				if (wanted.length === 0) return true;
				const answer = await subscribedAppsRequest.call(this, 'POST', { subscribed_fields: wanted.join(',') });
				return answer.success === true;
			},
			/**
			 * Leaves the subscription in place: it belongs to the account and the app, and other
			 * workflows (or an n8n restart re-activating this one) rely on it.
			 */
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials('instagramApi');
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const method = req.method.toUpperCase();
		const rawBody = (req as unknown as { rawBody?: Buffer }).rawBody;
		if (method === 'POST' && rawBody === undefined) {
			throw new NodeOperationError(this.getNode(), 'The raw request body is not available');
		}
		const result = verifyWebhookSync(
			{
				method,
				query: req.query as Record<string, string | string[] | undefined>,
				headers: req.headers as Record<string, string | string[] | undefined>,
				body: method === 'POST' ? rawBody : undefined,
			},
			{
				verifyToken: (credentials.verifyToken as string) || undefined,
				appSecret: credentials.clientSecret as string,
			},
		);

		if (result.kind === 'challenge') {
			res.status(200).type('text/plain').send(result.body);
			return { noWebhookResponse: true };
		}
		if (result.kind === 'rejected') {
			res.status(result.status).type('text/plain').send(result.reason);
			return { noWebhookResponse: true };
		}
		res.status(200).end();

		const wanted = this.getNodeParameter('eventTypes', []) as string[];
		const events = wanted.length ? result.events.filter((e: WebhookEvent) => wanted.includes(e.type)) : result.events;
		if (events.length === 0) return { noWebhookResponse: true };
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray(events as unknown as IDataObject[])],
		};
	}
}
