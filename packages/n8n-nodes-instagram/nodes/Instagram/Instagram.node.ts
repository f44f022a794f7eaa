import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { getAccount, messagingWindow, sendMessage } from 'instagram-native';
import type { Button, SendRequest, TemplateElement } from 'instagram-native';
import { CREDENTIAL_TYPE, callOptions, isPageToken, loginType } from '../../credentials/InstagramNativeApi.credentials';
import { failureItem, toNodeError } from './errors';
import { operationOf } from './operations';
import { properties } from './properties';
import { openSession } from './session';
import type { Session } from './session';

function buttonsOf(value: unknown): Button[] {
	const list = ((value as IDataObject)?.button as IDataObject[] | undefined) ?? [];
	return list.map((b) =>
		b.type === 'web_url'
			? { type: 'web_url', title: b.title as string, url: b.url as string }
			: { type: 'postback', title: b.title as string, payload: b.payload as string },
	);
}

function quickRepliesOf(value: unknown) {
	const list = ((value as IDataObject)?.reply as IDataObject[] | undefined) ?? [];
	return list.map((r) => ({ title: r.title as string, payload: r.payload as string }));
}

type Request = Omit<SendRequest, 'accessToken'>;

/** The sendMessage request of one item (without the token and the sending account). */
function buildRequest(this: IExecuteFunctions, operation: string, i: number): Request {
	const param = <T = string>(name: string, fallback?: unknown) => this.getNodeParameter(name, i, fallback) as T;
	const to = () => ({ id: String(param('recipientId')) });
	switch (operation) {
		case 'sendText': {
			const split = param<boolean>('splitLongText', false) ? { splitLongText: true } : {};
			return param<boolean>('humanAgent', false)
				? { recipient: to(), messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: param('text') }, ...split }
				: { recipient: to(), message: { text: param('text') }, ...split };
		}
		case 'sendQuickReplies':
			return { recipient: to(), message: { text: param('text'), quickReplies: quickRepliesOf(param('quickReplies', {})) } };
		case 'sendMedia': {
			const type = param('mediaType');
			if (type === 'images') {
				const list = (param<IDataObject>('images', {}).image as IDataObject[] | undefined) ?? [];
				return { recipient: to(), message: { images: list.map((x) => x.url as string) } };
			}
			if (type === 'sticker') return { recipient: to(), message: { sticker: 'like_heart' } };
			if (type === 'mediaShare') return { recipient: to(), message: { mediaShare: { postId: String(param('postId')) } } };
			const kind = type as 'image' | 'audio' | 'video' | 'file';
			const attachment =
				param('attachmentSource') === 'attachmentId'
					? { type: kind, attachmentId: String(param('attachmentId')) }
					: { type: kind, url: param('attachmentUrl') };
			return { recipient: to(), message: { attachment } };
		}
		case 'sendTemplate': {
			if (param('templateType') === 'button') {
				return { recipient: to(), message: { buttonTemplate: { text: param('templateText'), buttons: buttonsOf(param('buttons', {})) } } };
			}
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
		case 'senderAction':
			return { recipient: to(), senderAction: param<'typing_on' | 'typing_off' | 'mark_seen'>('senderAction') };
		case 'react': {
			const reaction = param('reaction', '');
			return { recipient: to(), reaction: reaction ? { messageId: param('messageId'), reaction } : { messageId: param('messageId') } };
		}
		case 'privateReply':
			return { recipient: { commentId: String(param('commentId')) }, message: { text: param('text') } };
		default:
			throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex: i });
	}
}

/** The kinds of trigger event whose time opens the messaging window: the person wrote or tapped. */
const OPENS_WINDOW = new Set(['message', 'postback']);

/**
 * Meta's messaging rules, checked before the network when the input item is the Instagram
 * Trigger's event for this recipient (its `timestamp` is when the person wrote, or when the
 * comment was made): a send Meta would refuse fails here with OUTSIDE_MESSAGING_WINDOW. A time
 * the item does not give is not guessed (sendMessage itself never refuses by time).
 */
function windowCheck(item: IDataObject, request: Request): void {
	const at = item.timestamp;
	if (typeof at !== 'number' || !(at > 0)) return;
	const recipient = request.recipient as { id?: string; commentId?: string };
	let refusal: string | undefined;
	if (recipient.commentId !== undefined) {
		const comment = item.comment as IDataObject | undefined;
		if (comment?.id !== recipient.commentId) return;
		if (messagingWindow({ commentAt: at }).privateReply === false) {
			refusal = 'The comment is more than 7 days old: Meta no longer allows a private reply to it';
		}
	} else {
		if (item.senderId !== recipient.id || !OPENS_WINDOW.has(String(item.type))) return;
		const allowed = messagingWindow({ lastUserMessageAt: at }).allowed;
		const tagged = request.tag === 'HUMAN_AGENT';
		if (allowed === 'none') refusal = "The person's message is more than 7 days old: Meta allows no message until they write again";
		else if (allowed === 'human_agent' && !tagged) {
			refusal = "The person's message is more than 24 hours old: only a message a person writes, sent with the Human Agent tag, is allowed";
		}
	}
	if (refusal) throw { code: 'OUTSIDE_MESSAGING_WINDOW', retryable: false, message: `${refusal} (checked before sending; nothing was sent)` };
}

export class Instagram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram Native',
		name: 'instagram',
		icon: { light: 'file:instagram.svg', dark: 'file:instagram.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Send Instagram Direct messages and reactions, answer, hide and delete comments, read who wrote, set ice breakers and the menu',
		defaults: { name: 'Instagram Native' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const out: INodeExecutionData[] = [];

		let session: Session;
		try {
			session = await openSession.call(this, { choosePage: resource !== 'account' });
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error);
			return [items.map((_, i) => ({ json: failureItem(toNodeError(this.getNode(), error, i)), pairedItem: { item: i } }))];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				if (resource === 'account') {
					out.push(...(await accounts.call(this, session)).map((json) => ({ json, pairedItem: { item: i } })));
					continue;
				}
				const other = operationOf(resource, operation);
				if (other) {
					const result = await other.call(this, i, session);
					out.push({ json: result as IDataObject, pairedItem: { item: i } });
					continue;
				}
				const built = buildRequest.call(this, operation, i);
				if (this.getNodeParameter('checkWindow', i, true) as boolean) windowCheck(items[i].json, built);
				const request = {
					...built,
					accessToken: session.accessToken,
					accountId: session.accountId,
					loginType: session.loginType,
					...(session.appSecret ? { appSecret: session.appSecret } : {}),
				} as SendRequest;
				const result = await sendMessage(request, session.options);
				out.push({ json: { ...result, accountId: session.accountId } as unknown as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, i);
				if (this.continueOnFail()) {
					out.push({ json: failureItem(nodeError), pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}

/** Account: Get — the account(s) the credential reaches, found with the addon's getAccount. */
async function accounts(this: IExecuteFunctions, session: Session): Promise<IDataObject[]> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	if (isPageToken(credentials)) {
		// A page token reaches one page; getAccount lists the pages of a user token.
		return [{ pageId: session.accountId, loginType: 'facebook' }];
	}
	const token = credentials.accessToken as string;
	const list = await getAccount({ accessToken: token, loginType: loginType(credentials) }, callOptions(credentials));
	return list.map((a) => ({ ...a, loginType: loginType(credentials) }) as unknown as IDataObject);
}
