import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { sendMessage } from 'instagram-native';
import type { Button, SendRequest, TemplateElement } from 'instagram-native';
import { graphUrl } from '../../credentials/InstagramApi.credentials';
import { errorDetails, addonError, toNodeError } from './errors';

/** The Graph version of the account call; the addon's default for sendMessage is the same. */
const GRAPH_VERSION = 'v24.0';

const show = (...kinds: string[]) => ({ displayOptions: { show: { kind: kinds } } });

const buttonFields: INodeProperties[] = [
	{
		displayName: 'Type',
		name: 'type',
		type: 'options',
		options: [
			{ name: 'Postback', value: 'postback' },
			{ name: 'Web URL', value: 'web_url' },
		],
		default: 'postback',
	},
	{ displayName: 'Title', name: 'title', type: 'string', default: '', description: '1–20 characters' },
	{ displayName: 'Payload', name: 'payload', type: 'string', default: '', displayOptions: { show: { type: ['postback'] } } },
	{ displayName: 'URL', name: 'url', type: 'string', default: '', displayOptions: { show: { type: ['web_url'] } } },
];

const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Send', value: 'send', action: 'Send a message, sender action or reaction' }],
		default: 'send',
	},
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Attachment (Image, Audio, Video, File)', value: 'attachment' },
			{ name: 'Button Template', value: 'buttonTemplate' },
			{ name: 'Comment Reply (Private Reply)', value: 'commentReply' },
			{ name: 'Generic Template (Carousel)', value: 'genericTemplate' },
			{ name: 'Human Agent Message (7-Day Window)', value: 'humanAgent' },
			{ name: 'Images (up to 10)', value: 'images' },
			{ name: 'Media Share (Post)', value: 'mediaShare' },
			{ name: 'Reaction', value: 'reaction' },
			{ name: 'Remove Reaction', value: 'unreact' },
			{ name: 'Sender Action (Typing, Seen)', value: 'senderAction' },
			{ name: 'Sticker (Heart)', value: 'sticker' },
			{ name: 'Text', value: 'text' },
		],
		default: 'text',
	},
	{
		displayName: 'Recipient ID',
		name: 'recipientId',
		type: 'string',
		required: true,
		default: '={{ $json.senderId }}',
		description: 'The Instagram-scoped ID of the user (the trigger gives it as senderId)',
		displayOptions: { hide: { kind: ['commentReply'] } },
	},
	{
		displayName: 'Comment ID',
		name: 'commentId',
		type: 'string',
		required: true,
		default: '={{ $json.comment.id }}',
		description: 'The comment to answer with a private message (once per comment, within 7 days)',
		...show('commentReply'),
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		description: '1–1000 bytes (UTF-8)',
		...show('text', 'commentReply', 'humanAgent'),
	},
	{
		displayName: 'Quick Replies',
		name: 'quickReplies',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Quick Reply',
		default: {},
		description: 'Up to 13 buttons under the text',
		...show('text'),
		options: [
			{
				name: 'reply',
				displayName: 'Quick Reply',
				values: [
					{ displayName: 'Title', name: 'title', type: 'string', default: '', description: '1–20 characters' },
					{ displayName: 'Payload', name: 'payload', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Attachment Type',
		name: 'attachmentType',
		type: 'options',
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'File', value: 'file' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'image',
		...show('attachment'),
	},
	{
		displayName: 'Attachment Source',
		name: 'attachmentSource',
		type: 'options',
		options: [
			{ name: 'URL', value: 'url' },
			{ name: 'Uploaded Attachment ID', value: 'attachmentId' },
		],
		default: 'url',
		...show('attachment'),
	},
	{
		displayName: 'URL',
		name: 'attachmentUrl',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { kind: ['attachment'], attachmentSource: ['url'] } },
	},
	{
		displayName: 'Attachment ID',
		name: 'attachmentId',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { kind: ['attachment'], attachmentSource: ['attachmentId'] } },
	},
	{
		displayName: 'Images',
		name: 'images',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Image',
		default: {},
		description: '1–10 image URLs, sent as one message',
		...show('images'),
		options: [{ name: 'image', displayName: 'Image', values: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }] }],
	},
	{
		displayName: 'Post ID',
		name: 'postId',
		type: 'string',
		required: true,
		default: '',
		description: 'The ID of your own Instagram post to share',
		...show('mediaShare'),
	},
	{
		displayName: 'Elements (JSON)',
		name: 'elements',
		type: 'json',
		required: true,
		default:
			'[\n  {\n    "title": "Blue shirt",\n    "subtitle": "CHF 39",\n    "imageUrl": "https://example.com/shirt.jpg",\n    "buttons": [{ "type": "postback", "title": "Buy", "payload": "BUY_1" }]\n  }\n]',
		description:
			'1–10 elements: { title, subtitle?, imageUrl?, defaultActionUrl?, buttons? } with up to 3 buttons ({ type: "web_url", title, url } or { type: "postback", title, payload })',
		...show('genericTemplate'),
	},
	{
		displayName: 'Text',
		name: 'templateText',
		type: 'string',
		required: true,
		default: '',
		description: '1–640 characters',
		...show('buttonTemplate'),
	},
	{
		displayName: 'Buttons',
		name: 'buttons',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Button',
		default: {},
		description: '1–3 buttons',
		...show('buttonTemplate'),
		options: [{ name: 'button', displayName: 'Button', values: buttonFields }],
	},
	{
		displayName: 'Action',
		name: 'senderAction',
		type: 'options',
		options: [
			{ name: 'Mark Seen', value: 'mark_seen' },
			{ name: 'Typing Off', value: 'typing_off' },
			{ name: 'Typing On', value: 'typing_on' },
		],
		default: 'typing_on',
		...show('senderAction'),
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		required: true,
		default: '={{ $json.messageId }}',
		description: 'The mid of the message to react to',
		...show('reaction', 'unreact'),
	},
	{
		displayName: 'Reaction',
		name: 'reaction',
		type: 'string',
		default: 'love',
		...show('reaction'),
	},
];

function buttonsOf(value: unknown): Button[] {
	const list = ((value as IDataObject)?.button as IDataObject[] | undefined) ?? [];
	return list.map((b) =>
		b.type === 'web_url'
			? { type: 'web_url', title: b.title as string, url: b.url as string }
			: { type: 'postback', title: b.title as string, payload: b.payload as string },
	);
}

/** The sendMessage request of one item (without accessToken/accountId). */
function buildRequest(this: IExecuteFunctions, i: number): Omit<SendRequest, 'accessToken'> {
	const kind = this.getNodeParameter('kind', i) as string;
	const param = <T = string>(name: string, fallback?: unknown) => this.getNodeParameter(name, i, fallback) as T;
	const to = () => ({ id: String(param('recipientId')) });
	switch (kind) {
		case 'text': {
			const replies = (param<IDataObject>('quickReplies', {}).reply as IDataObject[] | undefined) ?? [];
			const message = replies.length
				? { text: param('text'), quickReplies: replies.map((r) => ({ title: r.title as string, payload: r.payload as string })) }
				: { text: param('text') };
			return { recipient: to(), message };
		}
		case 'attachment': {
			const type = param<'image' | 'audio' | 'video' | 'file'>('attachmentType');
			const attachment =
				param('attachmentSource') === 'attachmentId'
					? { type, attachmentId: String(param('attachmentId')) }
					: { type, url: param('attachmentUrl') };
			return { recipient: to(), message: { attachment } };
		}
		case 'images': {
			const list = (param<IDataObject>('images', {}).image as IDataObject[] | undefined) ?? [];
			return { recipient: to(), message: { images: list.map((x) => x.url as string) } };
		}
		case 'sticker':
			return { recipient: to(), message: { sticker: 'like_heart' } };
		case 'mediaShare':
			return { recipient: to(), message: { mediaShare: { postId: String(param('postId')) } } };
		case 'genericTemplate': {
			let elements = param<unknown>('elements');
			if (typeof elements === 'string') {
				try {
					elements = JSON.parse(elements);
				} catch {
					throw new NodeOperationError(this.getNode(), 'Elements (JSON) is not valid JSON', { itemIndex: i });
				}
			}
			return { recipient: to(), message: { genericTemplate: { elements: elements as TemplateElement[] } } };
		}
		case 'buttonTemplate':
			return { recipient: to(), message: { buttonTemplate: { text: param('templateText'), buttons: buttonsOf(param('buttons', {})) } } };
		case 'senderAction':
			return { recipient: to(), senderAction: param<'typing_on' | 'typing_off' | 'mark_seen'>('senderAction') };
		case 'reaction':
			return { recipient: to(), reaction: { messageId: param('messageId'), reaction: param('reaction') } };
		case 'unreact':
			return { recipient: to(), reaction: { messageId: param('messageId') } };
		case 'commentReply':
			return { recipient: { commentId: String(param('commentId')) }, message: { text: param('text') } };
		case 'humanAgent':
			return { recipient: to(), messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: param('text') } };
		default:
			throw new NodeOperationError(this.getNode(), `Unknown kind "${kind}"`, { itemIndex: i });
	}
}

/** user_id from GET /me, as an exact string (it may come as a bare number above 2^53). */
function accountIdOf(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const m = /"user_id"\s*:\s*"?(\d+)"?/.exec(body);
		return m ? m[1] : undefined;
	}
	const v = (body as IDataObject | undefined)?.user_id;
	return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export class Instagram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram',
		name: 'instagram',
		icon: 'file:instagram.svg',
		group: ['output'],
		version: 1,
		subtitle: '={{ "send: " + $parameter["kind"] }}',
		description: 'Sends Instagram Direct messages, sender actions and reactions',
		defaults: { name: 'Instagram' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'instagramApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];

		// One authenticated call through n8n: it runs the credential's preAuthentication
		// (exchange / refresh) and persists its result; it also gives the account id.
		let accountId: string;
		try {
			const base = graphUrl(await this.getCredentials('instagramApi'));
			const me = await this.helpers.httpRequestWithAuthentication.call(this, 'instagramApi', {
				method: 'GET',
				url: `${base}/${GRAPH_VERSION}/me`,
				qs: { fields: 'user_id,username' },
				encoding: 'text',
				json: false,
			});
			const id = accountIdOf(me);
			if (!id) throw new NodeOperationError(this.getNode(), 'GET /me answered without user_id');
			accountId = id;
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
			return [items.map((_, i) => ({ json: failure(error), pairedItem: { item: i } }))];
		}

		// The token the hook just persisted.
		const credentials = await this.getCredentials('instagramApi');
		const accessToken = credentials.accessToken as string;
		const options = { instagramUrl: graphUrl(credentials) };

		for (let i = 0; i < items.length; i++) {
			try {
				const request = { ...buildRequest.call(this, i), accessToken, accountId } as SendRequest;
				const result = await sendMessage(request, options);
				out.push({ json: { ...result, accountId } as unknown as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: failure(error), pairedItem: { item: i } });
					continue;
				}
				throw toNodeError(this.getNode(), error, i);
			}
		}
		return [out];
	}
}

function failure(error: unknown): IDataObject {
	const e = addonError(error);
	if (e) return { error: e.message, ...errorDetails(e) } as IDataObject;
	return { error: (error as Error)?.message ?? String(error) };
}
