import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { verifyWebhookSync, webhookEventTypes, webhookRoutes } from 'instagram-native';
import type { WebhookEvent, WebhookRoute } from 'instagram-native';
import { CREDENTIAL_TYPE, metaApp, webhookSecrets } from '../../credentials/InstagramNativeApi.credentials';
import { toNodeError } from '../Instagram/errors';
import { appSubscription, derivedVerifyToken, registerApp, subscribeAccount, unregisterApp } from './registration';
import { DEFAULT_MAX_IDS, DEFAULT_WINDOW_HOURS, firstSeen } from './dedupe';

/** Webhook fields of object instagram an app (and an account) can subscribe to. */
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

const ECHO = 'message_echo';

/** The addon's event types a workflow may select (echoes have their own option), sorted. */
const EVENT_TYPES = webhookEventTypes.filter((t) => t !== ECHO).sort();

/** The output of each route (`webhookRoutes` gives their order). */
const OUTPUT_NAMES: Record<WebhookRoute, string> = {
	message: 'Messages',
	postback: 'Postbacks & Quick Replies',
	story_reply: 'Story Replies',
	story_mention: 'Story Mentions',
	reaction: 'Reactions',
	read: 'Reads',
	comment: 'Comments',
	other: 'Other',
};

/**
 * The node's outputs for its parameters, evaluated by n8n in the editor and at run time (so it
 * is written as a self-contained function, passed as an expression's text): one output, or one
 * per route.
 */
const configuredOutputs = (parameters: { routing?: string }, names: string[]) =>
	parameters.routing === 'byKind' ? names.map((displayName) => ({ type: 'main', displayName })) : ['main'];
const OUTPUTS_EXPRESSION: `={{${string}}}` = `={{(${configuredOutputs})($parameter, ${JSON.stringify(webhookRoutes.map((r) => OUTPUT_NAMES[r]))})}}`;

const routingOption = (defaultValue: 'single' | 'byKind', version: number[]) => ({
	displayName: 'Routing',
	name: 'routing',
	type: 'options' as const,
	options: [
		{ name: 'One Output', value: 'single', description: 'Every event to one output' },
		{
			name: 'By Kind of Event',
			value: 'byKind',
			description:
				'Eight outputs: messages, postbacks and quick replies, story replies, story mentions, reactions, reads, comments (and live comments), other',
		},
	],
	default: defaultValue,
	displayOptions: { show: { '@version': version } },
});

/** Larger bodies are refused (the addon's default `maxBodyBytes`: Meta batches up to 1,000 updates). */
const MAX_BODY_BYTES = 1_048_576;
const TOO_LARGE = Symbol('too large');

/**
 * The exact bytes of the request body. n8n reads them into `rawBody` for the content types it
 * parses (Meta sends `application/json`); for a node of version 2 it leaves any other request
 * (no content type, say) unread, and then the stream is read here.
 */
async function rawBodyOf(req: object): Promise<Buffer | undefined | typeof TOO_LARGE> {
	const given = (req as { rawBody?: Buffer }).rawBody;
	if (given !== undefined) return given;
	const stream = req as Partial<NodeJS.ReadableStream> & { readableEnded?: boolean };
	if (typeof stream[Symbol.asyncIterator] !== 'function' || stream.readableEnded) return undefined;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream as AsyncIterable<Buffer | string>) {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		size += bytes.length;
		if (size > MAX_BODY_BYTES) return TOO_LARGE;
		chunks.push(bytes);
	}
	return Buffer.concat(chunks);
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(Number(n) || min)));

export class InstagramTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Native Trigger',
		name: 'instagramTrigger',
		icon: { light: 'file:instagram.svg', dark: 'file:instagram.dark.svg' },
		group: ['trigger'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["registration"] === "automatic" ? "registers its webhook" : "webhook set up by hand" }}',
		description: 'Starts the workflow on Instagram messages and comments (signatures checked on the raw bytes)',
		defaults: { name: 'Instagram Native Trigger' },
		inputs: [],
		outputs: OUTPUTS_EXPRESSION,
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName: 'Webhook Registration',
				name: 'registration',
				type: 'options',
				options: [
					{
						name: 'Automatic',
						value: 'automatic',
						description:
							"Registers this node's webhook URL (test or production) and a generated verify token with the Meta app, and removes it on deactivation. Needs the Meta App ID and Meta App Secret in the credential.",
					},
					{
						name: 'Manual',
						value: 'manual',
						description: "The callback URL and the credential's Webhook Verify Token are entered in Meta's App Dashboard by hand",
					},
				],
				default: 'automatic',
			},
			{
				displayName:
					"In Meta's App Dashboard (Webhooks, object Instagram), set the callback URL to this node's webhook URL and the verify token to the credential's Webhook Verify Token",
				name: 'manualNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { registration: ['manual'] } },
			},
			{
				displayName: 'Subscribe Fields',
				name: 'subscribeFields',
				type: 'multiOptions',
				options: SUBSCRIBE_FIELDS.map((f) => ({ name: f, value: f })),
				default: ['messages', 'messaging_postbacks', 'message_reactions', 'comments'],
				description:
					'The webhook fields the app and the account are subscribed to on activation (the account with POST /me/subscribed_apps)',
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'multiOptions',
				options: EVENT_TYPES.map((t) => ({ name: t, value: t })),
				default: [],
				description: 'Only these kinds of events start the workflow (none selected: all but echoes)',
			},
			{
				displayName: 'Include Echoes',
				name: 'includeEchoes',
				type: 'boolean',
				default: false,
				description:
					"Whether the messages this account sends (Meta echoes each one as message_echo) start the workflow too. Off by default: a workflow that replies to senderId would answer itself.",
			},
			// Version 1 kept its one output; a node placed now sorts events by kind.
			routingOption('single', [1]),
			routingOption('byKind', [2]),
			{
				displayName: 'Deduplicate',
				name: 'deduplicate',
				type: 'boolean',
				default: true,
				description:
					"Whether an event Meta delivers again (Meta retries slow answers for up to 36 hours, and sends some comments twice) starts nothing the second time. The keys are kept in the workflow's static data.",
			},
			{
				displayName: 'Deduplication Window (Hours)',
				name: 'dedupeWindowHours',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 168 },
				default: DEFAULT_WINDOW_HOURS,
				description: 'How long an event is remembered',
				displayOptions: { show: { deduplicate: [true] } },
			},
			{
				displayName: 'Deduplication Max IDs',
				name: 'dedupeMaxIds',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 50000 },
				default: DEFAULT_MAX_IDS,
				description: 'At most this many events are remembered (the oldest are forgotten first; about 30 bytes each)',
				displayOptions: { show: { deduplicate: [true] } },
			},
		],
	};

	webhookMethods = {
		default: {
			/** Registered for this app with this URL and every field, and the account subscribed? */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const fields = this.getNodeParameter('subscribeFields', []) as string[];
				const credentials = await this.getCredentials(CREDENTIAL_TYPE);
				try {
					if (this.getNodeParameter('registration', 'automatic') === 'automatic') {
						if (!metaApp(credentials)) return false; // create() says what is missing
						const mine = await appSubscription.call(this);
						const url = this.getNodeWebhookUrl('default');
						if (!mine || mine.callbackUrl !== url || !fields.every((f) => mine.fields.includes(f))) return false;
					}
					if (fields.length === 0) return true;
					return (await subscribeAccount.call(this, fields, true)).ok;
				} catch (error) {
					// create() runs next and reports what is wrong
					this.logger.debug(`Instagram Trigger: checking the webhook registration failed: ${(error as Error).message}`);
					return false;
				}
			},
			/** Registers the webhook (automatic), then subscribes the account when its token allows. */
			async create(this: IHookFunctions): Promise<boolean> {
				const fields = this.getNodeParameter('subscribeFields', []) as string[];
				const credentials = await this.getCredentials(CREDENTIAL_TYPE);
				try {
					if (this.getNodeParameter('registration', 'automatic') === 'automatic') {
						const app = metaApp(credentials);
						if (!app) {
							throw new NodeOperationError(this.getNode(), 'Automatic webhook registration needs the Meta App ID and Meta App Secret', {
								description: 'Fill both in the credential, or set Webhook Registration to Manual and register the webhook in the App Dashboard.',
							});
						}
						if (fields.length === 0) throw new NodeOperationError(this.getNode(), 'Choose at least one Subscribe Field');
						await registerApp.call(this, this.getNodeWebhookUrl('default') as string, derivedVerifyToken.call(this, app.secret), fields);
					}
					if (fields.length > 0) {
						const account = await subscribeAccount.call(this, fields, false);
						if (account.skipped) {
							this.logger.warn(
								`Instagram Trigger: the account was not subscribed to the app (${account.skipped}). Deliveries still arrive if it was subscribed before; reconnect the credential and activate again otherwise.`,
							);
						}
					}
					return true;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},
			/** Removes the app's registration when it is this trigger's URL; the account's subscription stays. */
			async delete(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'automatic') !== 'automatic') return true;
				const credentials = await this.getCredentials(CREDENTIAL_TYPE);
				if (!metaApp(credentials)) return true;
				try {
					const mine = await appSubscription.call(this);
					if (mine && mine.callbackUrl === this.getNodeWebhookUrl('default')) await unregisterApp.call(this);
					return true;
				} catch (error) {
					this.logger.warn(`Instagram Trigger: the webhook registration could not be removed: ${(error as Error).message}`);
					return false;
				}
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credentials = await this.getCredentials(CREDENTIAL_TYPE);
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const method = req.method.toUpperCase();
		const answer = (status: number, text: string): IWebhookResponseData => {
			res.status(status).type('text/plain').send(text);
			return { noWebhookResponse: true };
		};

		if (method === 'GET') {
			const app = metaApp(credentials);
			const verifyToken =
				this.getNodeParameter('registration', 'automatic') === 'automatic'
					? app && derivedVerifyToken.call(this, app.secret)
					: (credentials.verifyToken as string) || undefined;
			if (!verifyToken) {
				return answer(403, 'NO_VERIFY_TOKEN: set the Webhook Verify Token in the credential (manual registration) or the Meta App ID and Secret (automatic)');
			}
			const result = verifyWebhookSync({ method, query: req.query as Record<string, string | string[] | undefined> }, { verifyToken });
			if (result.kind === 'challenge') return answer(200, result.body);
			return result.kind === 'rejected' ? answer(result.status, result.reason) : answer(400, 'HANDSHAKE_INVALID');
		}

		const secrets = webhookSecrets(credentials);
		if (secrets.length === 0) return answer(500, 'NO_APP_SECRET: set the Meta App Secret (or App Secret) in the credential');
		const rawBody = await rawBodyOf(req);
		if (rawBody === TOO_LARGE) return answer(413, 'PAYLOAD_TOO_LARGE');
		if (rawBody === undefined) throw new NodeOperationError(this.getNode(), 'The raw request body is not available');
		const result = verifyWebhookSync(
			{
				method,
				query: req.query as Record<string, string | string[] | undefined>,
				headers: req.headers as Record<string, string | string[] | undefined>,
				body: rawBody,
			},
			{ appSecret: secrets },
		);
		if (result.kind === 'rejected') return answer(result.status, result.reason);
		if (result.kind !== 'events') return answer(400, 'MALFORMED_PAYLOAD');
		res.status(200).end();

		const wanted = this.getNodeParameter('eventTypes', []) as string[];
		const echoes = this.getNodeParameter('includeEchoes', false) as boolean;
		let events = result.events.filter((e: WebhookEvent) =>
			e.type === ECHO ? echoes : wanted.length === 0 || wanted.includes(e.type),
		);
		if (this.getNodeParameter('deduplicate', true) as boolean) {
			// Checked and recorded in one synchronous step (no await between), before the execution starts.
			const bound = {
				windowSecs: clamp(this.getNodeParameter('dedupeWindowHours', DEFAULT_WINDOW_HOURS) as number, 1, 168) * 3600,
				maxIds: clamp(this.getNodeParameter('dedupeMaxIds', DEFAULT_MAX_IDS) as number, 100, 50000),
			};
			const test = this.getMode() === 'manual'; // a /webhook-test/ delivery: memory only
			const node = this.getNode();
			const scope = `${this.getWorkflow().id ?? ''}:${node.id ?? node.name}${test ? ':test' : ''}`;
			const fresh = firstSeen(
				scope,
				events.map((e) => e.dedupeKey),
				Math.floor(Date.now() / 1000),
				bound,
				test ? undefined : this.getWorkflowStaticData('node'),
			);
			events = events.filter((_, i) => fresh[i]);
		}
		if (events.length === 0) return { noWebhookResponse: true };
		const items = (list: WebhookEvent[]) => this.helpers.returnJsonArray(list as unknown as IDataObject[]);
		if (this.getNodeParameter('routing', 'single') !== 'byKind') {
			return { noWebhookResponse: true, workflowData: [items(events)] };
		}
		return {
			noWebhookResponse: true,
			workflowData: webhookRoutes.map((route) => items(events.filter((e) => e.route === route))),
		};
	}
}
